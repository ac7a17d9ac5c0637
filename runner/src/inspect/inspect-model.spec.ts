import { describe, expect, it } from 'vitest';
import { DenoiserManifest } from '../../../contracts/manifest/denoiser-manifest.schemas.js';
import { type Manifest, parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
import {
  buildAllocatingGenerator,
  buildAllocatingPassThrough,
  buildScaledGenerator,
} from '../../../test/support/onnx-models/submission-check-models.js';
import { buildTinyGenerator } from '../onnx/models/tiny-generator.js';
import { inspectModel } from './inspect-model.js';
import { outputRangeProblem } from './output-range.js';

const manifest = (over: Partial<Extract<Manifest, { kind: 'generator' }>> = {}): Manifest => ({
  name: 'g',
  kind: 'generator',
  resolution: 8,
  classes: 0,
  inputs: { noise: 'z' },
  outputs: { images: 'images' },
  noise_dim: 16,
  output_range: [-1, 1],
  ...over,
});

describe('output range rule', () => {
  it('refuses more than 1% of values beyond the range by more than 10% of its width, and says so', () => {
    const values = new Float32Array(1000).fill(0.5);
    expect(outputRangeProblem(values, [-1, 1])).toBeUndefined();
    values.fill(1.19, 0, 100); // within the 10% margin of [-1, 1] (±1.2)
    expect(outputRangeProblem(values, [-1, 1])).toBeUndefined();
    values.fill(1.21, 0, 10); // 1.0% beyond the margin: still accepted
    expect(outputRangeProblem(values, [-1, 1])).toBeUndefined();
    values[10] = -1.5; // 1.1%
    expect(outputRangeProblem(values, [-1, 1])).toMatch(
      /^fall outside the declared output_range \[-1, 1\]: 1\.1% of their values lie beyond \[-1\.2, 1\.2\] \(values seen: -1\.5 to 1\.21\); .*more than 1% .*more than 10% of the range's width/,
    );
    // [0, 1]: the margin is 0.1.
    expect(outputRangeProblem(new Float32Array(100).fill(1.09), [0, 1])).toBeUndefined();
    expect(outputRangeProblem(new Float32Array(100).fill(1.11), [0, 1])).toMatch(/beyond \[-0\.1, 1\.1\]/);
  });
  it('leaves NaN and Inf to the evaluation (they fail it naming the sample)', () => {
    expect(outputRangeProblem(new Float32Array(10).fill(Number.NaN), [-1, 1])).toBeUndefined();
    expect(outputRangeProblem(Float32Array.from([0, 0, Number.POSITIVE_INFINITY]), [-1, 1])).toBeUndefined();
  });
});

describe('generator dry run', () => {
  it('refuses a generator that outputs [0, 255] while declaring [-1, 1], and one of [-1, 1] declared [0, 1]', async () => {
    const pixels255 = buildScaledGenerator({ noiseDim: 16, resolution: 8, scale: 255, offset: 0 });
    expect(await inspectModel(pixels255, manifest())).toMatchObject({
      ok: false,
      field: 'output_range',
      problem: expect.stringMatching(/declared output_range \[-1, 1\]: 9\d\.\d% .*values seen: .* to 2\d\d/),
    });
    const signed = buildScaledGenerator({ noiseDim: 16, resolution: 8, scale: 2, offset: -1 });
    expect(await inspectModel(signed, manifest({ output_range: [0, 1] }))).toMatchObject({ ok: false, field: 'output_range' });
    expect(await inspectModel(signed, manifest())).toMatchObject({ ok: true });
  });

  it('passes the bundled tiny generators in both ranges', async () => {
    for (const range of [
      [-1, 1],
      [0, 1],
    ] as const) {
      const bytes = buildTinyGenerator({ noiseDim: 16, resolution: 8, classes: 0, seed: 3, outputRange: range });
      expect(await inspectModel(bytes, manifest({ output_range: [...range] as [0, 1] }))).toMatchObject({ ok: true });
    }
  });

  it('names noise_dim when the graph declares another noise width', async () => {
    const bytes = buildScaledGenerator({ noiseDim: 16, resolution: 8, scale: 2, offset: -1 });
    expect(await inspectModel(bytes, manifest({ noise_dim: 32 }))).toEqual({
      ok: false,
      field: 'noise_dim',
      problem: 'input "z" is declared [batch, 16], but the manifest (noise_dim 32) feeds [N, 32]',
    });
  });

  it("reports a failure inside the graph (an allocation) as the model's, under file", async () => {
    const bytes = buildAllocatingGenerator({ noiseDim: 16, resolution: 8, elements: 1n << 50n });
    const report = await inspectModel(bytes, manifest());
    expect(report).toMatchObject({
      ok: false,
      field: 'file',
      problem: expect.stringMatching(/^the model failed while running a dry run on a batch of 2 \(noise \[2, 16\]\): .*allocate/),
    });
  });
});

describe("a failure inside the graph is the model's, whatever its kind", () => {
  const huge = 1n << 50n;
  it('denoiser', async () => {
    const bytes = buildAllocatingPassThrough({
      inputs: [
        { name: 'x_t', type: 'float32', dims: ['batch', 3, 16, 16] },
        { name: 't', type: 'float32', dims: ['batch'] },
      ],
      pass: 'x_t',
      output: 'out',
      elements: huge,
    });
    const manifest = DenoiserManifest.parse({
      name: 'd',
      kind: 'denoiser',
      resolution: 16,
      classes: 0,
      channels: 3,
      inputs: { x: 'x_t', t: 't' },
      outputs: { prediction: 'out' },
      prediction: 'eps',
      schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
      time_input: 't',
      output_range: [-1, 1],
    });
    expect(await inspectModel(bytes, manifest)).toMatchObject({
      ok: false,
      field: 'file',
      problem: expect.stringMatching(/^the model failed while running a dry run on a batch of 2 \(x \[2, 3, 16, 16\], .*allocate/),
    });
    // A declared x shape that contradicts the manifest is still the manifest's field.
    expect(await inspectModel(bytes, { ...manifest, resolution: 32 })).toMatchObject({ ok: false, field: 'resolution' });
  });
  it('extractor', async () => {
    const bytes = buildAllocatingPassThrough({
      inputs: [{ name: 'images', type: 'float32', dims: ['batch', 3, 16, 16] }],
      pass: 'images',
      output: 'features',
      elements: huge,
    });
    const manifest = parseManifest({
      name: 'e',
      kind: 'extractor',
      input_size: 16,
      normalization: 'imagenet',
      inputs: { images: 'images' },
      outputs: { features: 'features' },
    });
    expect(await inspectModel(bytes, manifest)).toMatchObject({
      ok: false,
      field: 'file',
      problem: expect.stringMatching(/^the model failed while running a dry run on a batch of 2 images \[2, 3, 16, 16\]: .*allocate/),
    });
  });
});
