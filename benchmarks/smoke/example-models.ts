import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeneratorManifest } from '../../contracts/manifest/manifest.schemas.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';

/**
 * The bundled example submissions for the smoke suite: tiny MLP generators built by the project's own
 * ONNX writer. `quality` moves their output from smooth colour blobs (close to the synthetic reference
 * set) towards coloured noise, so they rank in a known order.
 */
export const EXAMPLE_GENERATORS = [
  { name: 'tiny-gan-smooth', seed: 1, quality: 1 },
  { name: 'tiny-gan-mixed', seed: 2, quality: 0.3 },
  { name: 'tiny-gan-noisy', seed: 3, quality: 0 },
] as const;

export interface ExampleModel {
  name: string;
  modelPath: string;
  manifestPath: string;
  manifest: GeneratorManifest;
}

export function exampleManifest(name: string): GeneratorManifest {
  return {
    name,
    kind: 'generator',
    resolution: 32,
    classes: 0,
    inputs: { noise: 'z' },
    outputs: { images: 'images' },
    noise_dim: 64,
    output_range: [-1, 1],
  };
}

export async function writeExampleModels(dir: string): Promise<ExampleModel[]> {
  await mkdir(dir, { recursive: true });
  const out: ExampleModel[] = [];
  for (const g of EXAMPLE_GENERATORS) {
    const manifest = exampleManifest(g.name);
    const modelPath = join(dir, `${g.name}.onnx`);
    const manifestPath = join(dir, `${g.name}.json`);
    await writeFile(modelPath, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: g.seed, quality: g.quality }));
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    out.push({ name: g.name, modelPath, manifestPath, manifest });
  }
  return out;
}
