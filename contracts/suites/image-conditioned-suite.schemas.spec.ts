import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from '../manifest/manifest.schemas.js';
import { conditionSize, ImageConditionedSuiteDefinition, type ImageConditionedSuiteInput } from './image-conditioned-suite.schemas.js';
import { defineSuite, SuiteDefinition } from './suite.schemas.js';

const sr4: ImageConditionedSuiteInput = {
  id: 'sr4-test',
  version: 1,
  title: 't',
  task: 'image-restoration',
  resolution: 32,
  kinds: ['image_to_image', 'samples'],
  condition: { kind: 'degradation', degradation: { kind: 'sr-block-average', factor: 4 }, sigma_y: 0.05 },
  targets: { type: 'synthetic-shapes', n: 64, seed: 3 },
  samples: 64,
  seed: 0,
  extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: 32, normalization: 'minus-one-one' },
  metrics: ['psnr', 'ssim', 'fid'],
  primary: 'psnr',
};

function messages(input: unknown): string {
  const r = SuiteDefinition.safeParse(input);
  if (r.success) throw new Error('expected the suite to be refused');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

describe('image-conditioned suite schema', () => {
  it('parses a ×4 SR suite as one of the suite union, with its condition side', () => {
    const s = defineSuite(sr4);
    expect(s.task).toBe('image-restoration');
    expect(conditionSize(s)).toBe(8);
    expect(
      conditionSize(
        ImageConditionedSuiteDefinition.parse({
          ...sr4,
          condition: { kind: 'degradation', degradation: { kind: 'deblur-gaussian' }, sigma_y: 0.05 },
        }),
      ),
    ).toBe(32);
  });
  it('states the Gaussian kernel it blurs with (DDRM: 5 taps, σ = 10) when the suite leaves it out', () => {
    const s = ImageConditionedSuiteDefinition.parse({
      ...sr4,
      condition: { kind: 'degradation', degradation: { kind: 'deblur-gaussian' }, sigma_y: 0 },
    });
    expect(s.condition).toEqual({ kind: 'degradation', degradation: { kind: 'deblur-gaussian', sigma: 10, taps: 5 }, sigma_y: 0 });
  });
  it('refuses an unknown degradation with a message naming the known ones', () => {
    const m = messages({ ...sr4, condition: { kind: 'degradation', degradation: { kind: 'jpeg', quality: 10 }, sigma_y: 0 } });
    expect(m).toContain('condition.degradation');
    expect(m).toContain('unknown degradation "jpeg" (known: sr-block-average, deblur-gaussian, inpaint-box)');
  });
  it('refuses an unknown condition kind, a condition that does not fit the task, and edge F1 without Canny', () => {
    expect(messages({ ...sr4, condition: { kind: 'depth' } })).toContain('unknown condition "depth"');
    expect(messages({ ...sr4, condition: { kind: 'canny' } })).toContain('the condition does not fit the task');
    expect(messages({ ...sr4, metrics: ['psnr', 'edge_f1'] })).toContain('edge_f1 scores Canny control only');
  });
  it('takes Canny control at OpenCV thresholds 100/200 only', () => {
    const canny = {
      ...sr4,
      task: 'controllable-generation',
      condition: { kind: 'canny' },
      metrics: ['edge_f1', 'fid'],
      primary: 'edge_f1',
    };
    expect(defineSuite(canny as ImageConditionedSuiteInput).condition).toEqual({ kind: 'canny', low: 100, high: 200 });
    expect(messages({ ...canny, condition: { kind: 'canny', low: 50 } })).toContain('condition.low');
  });
  it('refuses a factor that does not divide the resolution, and a synthetic target set smaller than samples', () => {
    expect(messages({ ...sr4, resolution: 30 })).toContain('divisible by its factor');
    expect(messages({ ...sr4, samples: 65 })).toContain('targets.n');
  });
});

describe('image_to_image manifest', () => {
  const restorer = {
    name: 'bilinear-x4',
    kind: 'image_to_image',
    task: 'image-restoration',
    resolution: 32,
    condition_resolution: 8,
    inputs: { condition: 'y' },
    outputs: { images: 'x' },
    output_range: [-1, 1],
  };
  it('accepts a one-step restorer, with or without noise', () => {
    expect(parseManifest(restorer)).toEqual(restorer);
    const noisy = { ...restorer, inputs: { condition: 'y', noise: 'z' }, noise_dim: 16 };
    expect(parseManifest(noisy)).toEqual(noisy);
  });
  it('refuses noise without noise_dim, and an unknown task', () => {
    expect(() => parseManifest({ ...restorer, inputs: { condition: 'y', noise: 'z' } })).toThrow(
      /noise_dim: a model with inputs.noise must declare noise_dim/,
    );
    expect(() => parseManifest({ ...restorer, task: 'text-to-image' })).toThrow(ManifestError);
  });
  it("lets a sample batch answer a suite's published inputs, unlabelled and without prompts", () => {
    const batch = { name: 'b', kind: 'samples', resolution: 32, classes: 0, conditions: 'smoke-sr4-32' };
    expect(parseManifest(batch)).toEqual(batch);
    expect(() => parseManifest({ ...batch, classes: 10 })).toThrow(/conditions: a batch that answers condition images/);
  });

  it('paired translation: a synthetic source remap pairs with synthetic targets only, and an unknown remap is refused', () => {
    const translate = {
      ...sr4,
      task: 'image-translation' as const,
      condition: { kind: 'paired-source' as const, sources: { type: 'synthetic-remap' as const, remap: 'channel-rotate' as const } },
    };
    expect(conditionSize(ImageConditionedSuiteDefinition.parse(translate))).toBe(32);
    const file = { type: 'adm-reference-batch' as const, file: 'x.npz', sha256: '0'.repeat(64), source: 'https://example.org/x' };
    expect(messages({ ...translate, targets: file })).toMatch(/condition\.sources: a synthetic source remap needs synthetic targets/);
    expect(messages({ ...translate, condition: { kind: 'paired-source', sources: file } })).toMatch(
      /file targets need a file of paired sources/,
    );
    expect(messages({ ...translate, condition: { kind: 'paired-source', sources: { type: 'synthetic-remap', remap: 'mirror' } } })).toMatch(
      /condition\.sources\.remap/,
    );
  });

  it('instruction editing: CLIP metrics need the suite’s clip and an edit condition; synthetic edits take no files, file sources need instructions and captions', () => {
    const edit = {
      ...sr4,
      task: 'image-editing' as const,
      kinds: ['samples' as const],
      condition: { kind: 'edit-instruction' as const, sources: { type: 'synthetic-colour-edits' as const, seed: 0 } },
      clip: { type: 'builtin-clip-like' as const, context_length: 16 },
      metrics: ['clip_directional' as const, 'clip_i' as const],
      primary: 'clip_directional' as const,
    };
    expect(ImageConditionedSuiteDefinition.parse(edit).metrics).toEqual(['clip_directional', 'clip_i']);
    expect(messages({ ...edit, clip: undefined })).toMatch(/metrics: clip_i and clip_directional score instruction edits/);
    expect(messages({ ...sr4, metrics: ['psnr', 'clip_i'] })).toMatch(/clip_i and clip_directional score instruction edits/);
    const file = { type: 'adm-reference-batch' as const, file: 'x.npz', sha256: '0'.repeat(64), source: 'https://example.org/x' };
    const text = { file: 'x.txt', sha256: '0'.repeat(64), source: 'https://example.org/x' };
    expect(messages({ ...edit, condition: { ...edit.condition, instructions: text } })).toMatch(
      /synthetic edits need synthetic targets and no files/,
    );
    const fromFiles = { ...edit, targets: file, condition: { kind: 'edit-instruction', sources: file, instructions: text } };
    expect(messages(fromFiles)).toMatch(/file sources need file targets, instructions and captions/);
    expect(
      ImageConditionedSuiteDefinition.parse({ ...fromFiles, condition: { ...fromFiles.condition, captions: text } }).condition.kind,
    ).toBe('edit-instruction');
  });
});
