import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DenoiserManifest } from '../../contracts/manifest/denoiser-manifest.schemas.js';
import { buildGaussianDenoiser } from '../../runner/src/onnx/models/gaussian-denoiser.js';
import { makeSyntheticImages } from '../../runner/src/onnx/models/synthetic-images.js';

/**
 * Example denoiser submissions for smoke-32-denoiser: the ideal denoiser of a Gaussian N(μ, s²·I) over
 * 32×32 RGB images (runner/src/onnx/models/gaussian-denoiser.ts), ε-prediction on DDPM's linear schedule,
 * with a float32 time input. `fit` moves μ from the synthetic reference set's mean image (1) to flat grey (0).
 */
export const SMOKE_SCHEDULE = { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 } as const;

export function exampleDenoiserManifest(name: string, overrides: Partial<DenoiserManifest> = {}): DenoiserManifest {
  return {
    name,
    kind: 'denoiser',
    resolution: 32,
    classes: 0,
    channels: 3,
    inputs: { x: 'x_t', t: 't' },
    outputs: { prediction: 'out' },
    prediction: 'eps',
    schedule: { ...SMOKE_SCHEDULE, continuous: false },
    time_input: 'sigma',
    output_range: [-1, 1],
    ...overrides,
  };
}

/** Mean image of the first `n` synthetic shapes (seed 1, as the smoke reference), CHW in [−1, 1]. */
export function syntheticMeanImage(n = 256, resolution = 32): Float32Array {
  const images = makeSyntheticImages({ n, resolution, seed: 1 });
  const plane = resolution * resolution;
  const mean = new Float32Array(3 * plane);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) mean[c * plane + p]! += images[(i * plane + p) * 3 + c]! / 127.5 - 1;
  }
  for (let k = 0; k < mean.length; k++) mean[k]! /= n;
  return mean;
}

export function buildExampleDenoiser(options: { fit: number; std: number }): Uint8Array {
  const mean = syntheticMeanImage().map((v) => v * options.fit);
  return buildGaussianDenoiser({
    schedule: SMOKE_SCHEDULE,
    timeInput: 'sigma',
    prediction: 'eps',
    shape: [3, 32, 32],
    mean,
    std: options.std,
  });
}

/** The bundled example denoisers (demo): the fitted Gaussian ranks above the flat grey one. */
export const EXAMPLE_DENOISERS = [
  { name: 'gauss-ddpm-fitted', fit: 1, std: 0.4 },
  { name: 'gauss-ddpm-grey', fit: 0, std: 0.8 },
] as const;

export async function writeExampleDenoisers(dir: string): Promise<Array<{ name: string; modelPath: string; manifestPath: string }>> {
  await mkdir(dir, { recursive: true });
  const out = [];
  for (const d of EXAMPLE_DENOISERS) {
    const modelPath = join(dir, `${d.name}.onnx`);
    const manifestPath = join(dir, `${d.name}.json`);
    await writeFile(modelPath, buildExampleDenoiser(d));
    await writeFile(manifestPath, JSON.stringify(exampleDenoiserManifest(d.name), null, 2) + '\n');
    out.push({ name: d.name, modelPath, manifestPath });
  }
  return out;
}
