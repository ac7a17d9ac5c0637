import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DenoiserManifest } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import { ClassifierGradientModel } from './classifier-gradient.js';

/*
 * A classifier-gradient graph written by a real torch exporter: scripts/export_classifier_gradient.py --mini
 * (torch 1.13.1, make_fx of torch.autograd.grad, TorchScript exporter) on a miniature of guided-diffusion's
 * EncoderUNet (conv, GroupNorm, SiLU, timestep embedding, attention pooling, 10 classes, 8×8). The JSON holds
 * torch's autograd gradient of log_softmax(logits)[y] (guided-diffusion's cond_fn, indexed form) on three
 * seeded batches of 1, 2 and 5 rows — batch sizes other than the export's traces (7, 11, 3), so the dynamic
 * batch axis is exercised. The export contains the gradient only, so it is compared with torch's values, not
 * with a finite difference of log p.
 */
const dir = new URL('./fixtures/', import.meta.url);
const onnx = readFileSync(new URL('classifier-gradient-mini.onnx', dir));
interface Case {
  batch: number;
  x: number[];
  t: number[];
  y: number[];
  grad: number[];
}
const reference = JSON.parse(readFileSync(new URL('classifier-gradient-mini.json', dir), 'utf8')) as {
  torch: string;
  shape: number[];
  classes: number;
  cases: Case[];
};
const manifest = DenoiserManifest.parse({
  name: 'mini-classifier-guided',
  kind: 'denoiser',
  resolution: 8,
  classes: reference.classes,
  channels: 3,
  inputs: { x: 'x_t', t: 't', class: 'y' },
  outputs: { prediction: 'out' },
  prediction: 'eps',
  schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
  time_input: 'index',
  output_range: [-1, 1],
  classifier: { inputs: { x: 'x', t: 't', class: 'y' }, outputs: { gradient: 'grad' } },
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('a classifier gradient exported from torch autograd (scripts/export_classifier_gradient.py)', () => {
  let model: ClassifierGradientModel;
  beforeAll(async () => {
    model = await ClassifierGradientModel.open(onnx, manifest);
  });
  afterAll(async () => {
    await model.close();
  });

  it('matches torch 1.13 autograd of log p(y | x_t, t) within 1e-6 absolute (gradients ~1e-2) at batches 1, 2 and 5', async () => {
    expect(reference.cases.map((c) => c.batch)).toEqual([1, 2, 5]);
    for (const c of reference.cases) {
      const g = await model.gradient(Float32Array.from(c.x), Float32Array.from(c.t), Int32Array.from(c.y));
      expect(g.length).toBe(c.grad.length);
      const scale = Math.max(...c.grad.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(g, c.grad)).toBeLessThan(1e-6);
    }
  });

  it('depends on the label: another class gives a gradient that misses torch’s by more than 1e-4', async () => {
    const c = reference.cases[2]!;
    const other = Int32Array.from(c.y, (v) => (v + 1) % reference.classes);
    const g = await model.gradient(Float32Array.from(c.x), Float32Array.from(c.t), other);
    expect(maxAbsDiff(g, c.grad)).toBeGreaterThan(1e-4);
  });
});
