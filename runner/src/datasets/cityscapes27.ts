import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cityscapes27Data } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { type DatasetCheck, DatasetError, firstFew, type MissingDatasetFile } from './dataset-error.js';
import { decodeLabel, decodeRgb } from './decode.js';
import { resizeShortSideCenterCrop } from './nearest-resize.js';
import type { SegmentationDataset } from './segmentation-dataset.js';

// Cityscapes as STEGO evaluates it (mhamilton723/STEGO src/data.py, class `CityscapesSeg`, through
// torchvision's `Cityscapes(root, "val", mode="fine", target_type="semantic")`): every
// `cityscapes/leftImg8bit/val/<city>/<name>_leftImg8bit.png` with `cityscapes/gtFine/val/<city>/<name>_gtFine_labelIds.png`;
// `target - 7`, negatives to -1 (`first_nonvoid = 7`), and the metric keeps 0..26: label ids 7–33 are classes
// 0–26, every other id is ignored. Cities and files are read in sorted order (torchvision lists them in
// directory order, which the scores do not depend on).

const CITYSCAPES_DOWNLOADS =
  'https://www.cityscapes-dataset.com/downloads/ (leftImg8bit_trainvaltest.zip and gtFine_trainvaltest.zip; registration required)';
const STEGO_ARCHIVE = 'https://marhamilresearch4.blob.core.windows.net/stego-public/pytorch_data/cityscapes.zip';

export const CITYSCAPES_FIRST_CLASS_ID = 7;
export const CITYSCAPES27_CLASSES = 27;

/** Cityscapes labelIds → classes: 7–33 → 0–26, everything else 255 (ignored). */
export const CITYSCAPES_ID_TO_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(255);
  for (let c = 0; c < CITYSCAPES27_CLASSES; c++) table[CITYSCAPES_FIRST_CLASS_ID + c] = c;
  return table;
})();

const IMAGE_SUFFIX = '_leftImg8bit.png';
const LABEL_SUFFIX = '_gtFine_labelIds.png';

interface Pair {
  image: string;
  label: string;
}

function dirs(root: string, data: Cityscapes27Data) {
  const base = join(root, 'cityscapes');
  return { images: join(base, 'leftImg8bit', data.split), labels: join(base, 'gtFine', data.split) };
}

async function listDir(dir: string): Promise<string[] | undefined> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return undefined;
  }
}

/** Image/label pairs in sorted (city, file) order; labels that are absent are reported, not paired. */
async function listPairs(root: string, data: Cityscapes27Data): Promise<{ pairs: Pair[]; missing: MissingDatasetFile[] }> {
  const d = dirs(root, data);
  const rel = (abs: string) => abs.slice(root.length + 1);
  const cities = await listDir(d.images);
  const labelCities = await listDir(d.labels);
  const missing: MissingDatasetFile[] = [];
  if (!cities) missing.push({ file: rel(d.images), expectedPath: d.images, source: CITYSCAPES_DOWNLOADS });
  if (!labelCities) missing.push({ file: rel(d.labels), expectedPath: d.labels, source: CITYSCAPES_DOWNLOADS });
  if (!cities || !labelCities) return { pairs: [], missing };
  const pairs: Pair[] = [];
  for (const city of cities) {
    const files = (await listDir(join(d.images, city))) ?? [];
    const labels = new Set((await listDir(join(d.labels, city))) ?? []);
    for (const f of files) {
      if (!f.endsWith(IMAGE_SUFFIX)) continue;
      const labelName = f.slice(0, -IMAGE_SUFFIX.length) + LABEL_SUFFIX;
      const label = join(d.labels, city, labelName);
      if (!labels.has(labelName)) missing.push({ file: rel(label), expectedPath: label, source: CITYSCAPES_DOWNLOADS });
      else pairs.push({ image: join(d.images, city, f), label });
    }
  }
  return { pairs, missing };
}

export function cityscapes27Instructions(data: Cityscapes27Data, root: string): string {
  const d = dirs(root, data);
  return (
    `expected ${d.images}/<city>/<name>${IMAGE_SUFFIX} and ${d.labels}/<city>/<name>${LABEL_SUFFIX}: unzip Cityscapes' ` +
    `leftImg8bit and gtFine archives from ${CITYSCAPES_DOWNLOADS} into ${join(root, 'cityscapes')}, or STEGO's ${STEGO_ARCHIVE} into the datasets directory`
  );
}

export async function checkCityscapes27(data: Cityscapes27Data, root: string): Promise<DatasetCheck> {
  const { pairs, missing } = await listPairs(root, data);
  if (missing.length > 0) return { ok: false, missing, problem: `missing: ${firstFew(missing.map((m) => m.expectedPath))}` };
  if (pairs.length !== data.images) {
    const d = dirs(root, data);
    return {
      ok: false,
      missing: [],
      problem: `${d.images} holds ${pairs.length} images, not the ${data.images} of the ${data.split} split`,
    };
  }
  return { ok: true };
}

export async function openCityscapes27(data: Cityscapes27Data, root: string, size: number): Promise<SegmentationDataset> {
  const check = await checkCityscapes27(data, root);
  if (!check.ok) throw new DatasetError(`Cityscapes is not usable: ${check.problem}; ${cityscapes27Instructions(data, root)}`);
  const { pairs } = await listPairs(root, data);
  return {
    count: pairs.length,
    size,
    async image(index) {
      const img = await decodeRgb(pairs[index]!.image);
      return resizeShortSideCenterCrop(img.data, img.height, img.width, 3, size);
    },
    async label(index) {
      const lab = await decodeLabel(pairs[index]!.label);
      const label = resizeShortSideCenterCrop(lab.data, lab.height, lab.width, 1, size);
      for (let i = 0; i < label.length; i++) label[i] = CITYSCAPES_ID_TO_CLASS[label[i]!]!;
      return label;
    },
  };
}
