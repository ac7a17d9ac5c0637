import { syntheticSegmentationSample } from '../segmentation/synthetic-dataset.js';
import type { SegmentationSuiteDefinition } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { openCityscapes27 } from './cityscapes27.js';
import { openCocoStuff27 } from './cocostuff27.js';

/**
 * The labelled images of a zero-shot segmentation suite, read one at a time. Every image and label is
 * `size × size` (the suite's resolution) after the dataset's own resize and crop.
 */
export interface SegmentationDataset {
  readonly count: number;
  readonly size: number;
  /** RGB, row-major `size × size × 3`. */
  image(index: number): Promise<Uint8Array>;
  /** Class ids 0..K-1, 255 (or any id ≥ K) ignored; row-major `size × size`. */
  label(index: number): Promise<Uint8Array>;
}

/** Opens a suite's dataset; DatasetError when its files are absent or incomplete. */
export async function openSegmentationDataset(suite: SegmentationSuiteDefinition, datasetsDir: string): Promise<SegmentationDataset> {
  const data = suite.dataset;
  const size = suite.resolution;
  switch (data.type) {
    case 'synthetic-shapes': {
      const options = { seed: data.seed, height: size, width: size };
      // Image and label come from one draw, asked for a batch apart: keep recent draws rather than redo them.
      const recent = new Map<number, ReturnType<typeof syntheticSegmentationSample>>();
      const sample = (index: number) => {
        let s = recent.get(index);
        if (!s) {
          s = syntheticSegmentationSample(options, index);
          recent.set(index, s);
          if (recent.size > 256) recent.delete(recent.keys().next().value!);
        }
        return s;
      };
      return {
        count: data.images,
        size,
        image: async (i) => sample(i).image,
        label: async (i) => sample(i).label.slice(),
      };
    }
    case 'cocostuff27':
      return openCocoStuff27(data, datasetsDir, size);
    case 'cityscapes27':
      return openCityscapes27(data, datasetsDir, size);
  }
}
