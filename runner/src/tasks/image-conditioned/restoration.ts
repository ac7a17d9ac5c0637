// The scoring loop of restoration suites, shared by the image-conditioned task family and its tests: target
// images (uint8 NHWC) → x in [−1, 1] (NCHW float32, x/127.5 − 1) → the harness's measurements y
// (conditions/degradations.ts) → the model's outputs → uint8 as ADM quantises [−1, 1] images
// (clip((x + 1)·127.5, 0, 255) truncated) → PSNR and SSIM against the targets (metrics/image-fidelity.ts).

import type { DegradationSpec } from '../../../../contracts/conditions/degradation.schemas.js';
import { degrade, measurementSize } from '../../conditions/degradations.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { imageFidelity, type ImageFidelityResult } from '../../metrics/image-fidelity.js';

/** Runs the model on one batch of conditions: float32 [n, 3, m, m] in, float32 [n, 3, size, size] expected out. */
export type Restorer = (condition: Float32Array, n: number, side: number) => Promise<{ data: Float32Array; dims: readonly number[] }>;

export function toModelSpace(targets: Uint8Array, count: number, size: number): Float32Array {
  const n = size * size;
  const x = new Float32Array(count * 3 * n);
  for (let i = 0; i < count; i++)
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) x[i * 3 * n + c * n + p] = targets[(i * n + p) * 3 + c] / 127.5 - 1;
  return x;
}

function quantise(images: Float32Array, out: Uint8Array, at: number, count: number, size: number, what: string): void {
  const n = size * size;
  for (let i = 0; i < count; i++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < n; p++) {
        const v = images[i * 3 * n + c * n + p];
        if (!Number.isFinite(v)) throw new ModelFailure(`${what}: the model's output holds ${v} (image ${at + i})`);
        out[((at + i) * n + p) * 3 + c] = Math.trunc(Math.min(255, Math.max(0, (v + 1) * 127.5)));
      }
}

/** Degrades `targets`, restores them batch by batch with `restore`, and scores the outputs. */
export async function scoreRestoration(
  restore: Restorer,
  targets: Uint8Array,
  count: number,
  size: number,
  spec: DegradationSpec,
  seed: number,
  batchSize = 64,
): Promise<ImageFidelityResult & { outputs: Uint8Array }> {
  const m = measurementSize(spec.degradation, size);
  const x = toModelSpace(targets, count, size);
  const outputs = new Uint8Array(count * size * size * 3);
  for (let at = 0; at < count; at += batchSize) {
    const n = Math.min(batchSize, count - at);
    const y = degrade(spec, x.subarray(at * 3 * size * size, (at + n) * 3 * size * size), n, size, seed, at);
    const out = await restore(y, n, m);
    const want = [n, 3, size, size];
    if (out.dims.length !== 4 || out.dims.some((d, k) => d !== want[k]))
      throw new ModelFailure(
        `the model answered [${out.dims.join(', ')}] for ${n} conditions of 3×${m}×${m}; the targets need [${want.join(', ')}]`,
      );
    quantise(out.data, outputs, at, n, size, 'restoration');
  }
  const batch = (data: Uint8Array) => ({ data, count, height: size, width: size });
  return { ...imageFidelity(batch(outputs), batch(targets)), outputs };
}
