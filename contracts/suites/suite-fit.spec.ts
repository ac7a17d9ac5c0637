import { describe, expect, it } from 'vitest';
import { findSuite } from '../../benchmarks/index.js';
import { parseManifest } from '../manifest/manifest.schemas.js';
import { whyNotScored } from './suite-fit.js';

const suite = (id: string) => findSuite(id)!;

/** A DiT-like class-conditional ε model on DDPM's discrete schedule, fed the integer step index. */
const ddpm = (overrides: Record<string, unknown> = {}) =>
  parseManifest({
    name: 'ddpm',
    kind: 'denoiser',
    resolution: 512,
    classes: 1001,
    null_class: 1000,
    channels: 3,
    inputs: { x: 'x_t', t: 't', class: 'y' },
    outputs: { prediction: 'out' },
    prediction: 'eps',
    schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
    time_input: 'index',
    output_range: [-1, 1],
    ...overrides,
  });

describe('whyNotScored', () => {
  it('lets a suite score a model its sampler can drive', () => {
    expect(
      whyNotScored(suite('imagenet-256-cond-ddpm-250-cfg-1-5'), ddpm({ resolution: 256 }), { timeInputType: 'int64' }),
    ).toBeUndefined();
    expect(whyNotScored(suite('imagenet-512-cond-heun-32'), ddpm(), { timeInputType: 'float32' })).toBeUndefined();
    expect(whyNotScored(suite('smoke-32'), parseManifest({ name: 'g', kind: 'samples', resolution: 32, classes: 0 }))).toBeUndefined();
  });

  it('names the guidance a model without a null class cannot take', () => {
    const m = ddpm({ resolution: 256, classes: 1000, null_class: undefined });
    expect(whyNotScored(suite('imagenet-256-cond-ddpm-250-cfg-1-5'), m)).toMatch(
      /^its sampler \(ddim η=1, 250 steps, 250 NFE, guidance 1\.5\) cannot drive this model: .*null_class/,
    );
    expect(whyNotScored(suite('imagenet-256-cond-ddpm-250'), m)).toBeUndefined();
  });

  it('refuses Karras steps for an integer step-index input, which would get fractional steps', () => {
    expect(whyNotScored(suite('imagenet-512-cond-heun-32'), ddpm(), { timeInputType: 'int64' })).toMatch(
      /^its sampler \(heun, 32 steps, 63 NFE\) cannot drive this model: its karras spacing feeds fractional time inputs such as [\d.]+, but the graph's time input "t" is int64: declare it float32$/,
    );
  });

  it('counts the images of a sample batch against the suite', () => {
    const batch = parseManifest({ name: 'b', kind: 'samples', resolution: 32, classes: 0 });
    expect(whyNotScored(suite('smoke-32-samples'), batch, { imagesInBatch: 1000 })).toBe(
      'the sample batch holds 1000 images; this suite scores 1024',
    );
    expect(whyNotScored(suite('smoke-32-samples'), batch, { imagesInBatch: 1024 })).toBeUndefined();
  });

  it("scores video batches of the suite's frame count only, and counts videos", () => {
    const video = (frames: number, extra: Record<string, unknown> = {}) =>
      parseManifest({ name: 'v', kind: 'samples', resolution: 32, classes: 0, frames, ...extra });
    const s = suite('smoke-video-16x32');
    expect(whyNotScored(s, video(16), { imagesInBatch: 64 })).toBeUndefined();
    expect(whyNotScored(s, video(8), { imagesInBatch: 64 })).toBe(
      'the videos have 8 frames; smoke-video-16x32 scores videos of 16 frames (32×32)',
    );
    expect(whyNotScored(s, video(16), { imagesInBatch: 10 })).toBe('the sample batch holds 10 videos; this suite scores 64');
    expect(whyNotScored(s, parseManifest({ name: 'i', kind: 'samples', resolution: 32, classes: 0 }))).toMatch(
      /scores video sample batches .*, not image batches/,
    );
    expect(whyNotScored(s, video(16, { classes: 10 }))).toMatch(/unconditional; the batch declares 10 classes/);
  });
});
