import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from './manifest.schemas.js';

const EXTRACTOR = {
  name: 'dino-vits8',
  kind: 'extractor',
  input_size: 448,
  normalization: 'imagenet',
  inputs: { images: 'pixel_values' },
  outputs: { features: 'patch_tokens' },
};
const SEGMENTER = {
  name: 'diffseg',
  kind: 'segmenter',
  input_size: 512,
  normalization: 'minus-one-one',
  preprocessing: 'tf1-bilinear',
  inputs: { images: 'images' },
  outputs: { segments: 'segments' },
};

function issuesOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    parseManifest(value);
  } catch (err) {
    if (err instanceof ManifestError) return err.issues;
    throw err;
  }
  throw new Error('expected a ManifestError');
}

describe('extractor and segmenter manifests', () => {
  it('accept the documented examples; preprocessing defaults to pil-bicubic', () => {
    expect(parseManifest(JSON.stringify(EXTRACTOR))).toEqual({ ...EXTRACTOR, preprocessing: 'pil-bicubic' });
    expect(parseManifest(SEGMENTER)).toEqual(SEGMENTER);
    expect(parseManifest({ ...SEGMENTER, outputs: { scores: 'logits' } })).toMatchObject({ outputs: { scores: 'logits' } });
  });

  it('are strict: unknown keys, a resolution or a second output are errors', () => {
    expect(issuesOf({ ...EXTRACTOR, resolution: 448 })).toContainEqual({ path: '', message: 'Unrecognized key: "resolution"' });
    expect(issuesOf({ ...EXTRACTOR, outputs: { features: 'f', cls: 'c' } })[0]!.path).toBe('outputs');
    expect(issuesOf({ ...SEGMENTER, outputs: { segments: 's', scores: 'p' } })[0]!.message).toMatch(/exactly one of outputs.segments/);
    expect(issuesOf({ ...SEGMENTER, outputs: {} })[0]!.message).toMatch(/exactly one of outputs.segments/);
  });

  it('name the field that is wrong', () => {
    expect(issuesOf({ ...EXTRACTOR, normalization: 'zero-one' })[0]!.path).toBe('normalization');
    expect(issuesOf({ ...EXTRACTOR, input_size: 4 })[0]!.path).toBe('input_size');
    expect(issuesOf({ ...SEGMENTER, inputs: {} })[0]!.path).toBe('inputs.images');
  });
});
