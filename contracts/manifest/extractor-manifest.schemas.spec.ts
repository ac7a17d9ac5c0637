import { describe, expect, it } from 'vitest';
import { ManifestError } from './manifest.schemas.js';
import { parseExtractorManifest } from './extractor-manifest.schemas.js';

const INCEPTION = {
  name: 'inception-2015-12-05',
  kind: 'feature-extractor',
  input_size: 299,
  inputs: { images: 'images' },
  outputs: { pool: 'pool_3', spatial: 'mixed_6_conv', logits: 'logits' },
  preprocessing: 'tf1-bilinear',
  normalization: 'adm',
};

function issues(value: unknown): Array<{ path: string; message: string }> {
  try {
    parseExtractorManifest(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as ManifestError).issues;
  }
  throw new Error('expected the manifest to be refused');
}

describe('parseExtractorManifest', () => {
  it('accepts the FID Inception manifest, as text or as a value', () => {
    expect(parseExtractorManifest(JSON.stringify(INCEPTION))).toEqual(INCEPTION);
    expect(parseExtractorManifest(INCEPTION)).toEqual(INCEPTION);
  });

  it('accepts a manifest with only the pool output', () => {
    const m = parseExtractorManifest({
      ...INCEPTION,
      outputs: { pool: 'pool_3' },
      preprocessing: 'pil-bicubic',
      normalization: 'imagenet',
    });
    expect(m.outputs).toEqual({ pool: 'pool_3' });
  });

  it.each([
    ['an unknown top-level key', { ...INCEPTION, resize: 'bilinear' }, ''],
    ['an unknown output', { ...INCEPTION, outputs: { ...INCEPTION.outputs, features: 'f' } }, 'outputs'],
    ['an unknown input', { ...INCEPTION, inputs: { images: 'images', labels: 'y' } }, 'inputs'],
    ['a missing pool output', { ...INCEPTION, outputs: { spatial: 'mixed_6_conv' } }, 'outputs.pool'],
    ['the wrong kind', { ...INCEPTION, kind: 'generator' }, 'kind'],
    ['an unknown resize protocol', { ...INCEPTION, preprocessing: 'bilinear' }, 'preprocessing'],
    ['an unknown normalization', { ...INCEPTION, normalization: 'zero-one' }, 'normalization'],
    ['a fractional input size', { ...INCEPTION, input_size: 299.5 }, 'input_size'],
    ['a name with a path separator', { ...INCEPTION, name: '../inception' }, 'name'],
    ['two roles on one output', { ...INCEPTION, outputs: { pool: 'pool_3', logits: 'pool_3' } }, 'outputs.logits'],
  ])('refuses %s and names the field', (_what, value, path) => {
    expect(issues(value).map((i) => i.path)).toContain(path);
  });

  it('names unrecognized keys in the message', () => {
    expect(() => parseExtractorManifest({ ...INCEPTION, resize: 'bilinear' })).toThrow(/resize/);
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(() => parseExtractorManifest('{"name": ')).toThrow(/not valid JSON/);
    expect(() => parseExtractorManifest('[1, 2]')).toThrow(/must be a JSON object/);
  });
});
