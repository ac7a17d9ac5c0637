import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildColourSegmenter,
  buildRgbExtractor,
  extractorManifest,
  segmenterManifest,
} from '../../runner/src/onnx/models/segmentation-models.js';

/**
 * Example submissions for the smoke segmentation suites: a segmenter scoring each pixel by its distance to
 * the synthetic classes' base colours (runner/src/segmentation/synthetic-dataset.ts; the checker class by
 * the mean of its two colours), and an "extractor" whose features are the pixels' RGB values, clustered by
 * the harness.
 */
export const SYNTHETIC_CLASS_COLOURS: Array<[number, number, number]> = [
  [110, 110, 110],
  [210, 40, 40],
  [40, 190, 60],
  [40, 60, 210],
  [220, 200, 35],
];

export async function writeExampleSegmentationModels(dir: string) {
  await mkdir(dir, { recursive: true });
  const models = [
    {
      name: 'colour-segmenter',
      bytes: buildColourSegmenter({ inputSize: 64, prototypes: SYNTHETIC_CLASS_COLOURS, output: 'scores' }),
      manifest: segmenterManifest('colour-segmenter', 64, 'scores'),
    },
    { name: 'rgb-features', bytes: buildRgbExtractor({ inputSize: 64 }), manifest: extractorManifest('rgb-features', 64) },
  ];
  const out = [];
  for (const m of models) {
    const modelPath = join(dir, `${m.name}.onnx`);
    const manifestPath = join(dir, `${m.name}.json`);
    await writeFile(modelPath, m.bytes);
    await writeFile(manifestPath, JSON.stringify(m.manifest, null, 2) + '\n');
    out.push({ name: m.name, modelPath, manifestPath });
  }
  return out;
}
