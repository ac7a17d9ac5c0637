import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cityscapes27Data } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { type DatasetCheck, firstFew, type MissingDatasetFile } from './dataset-error.js';

// Where Cityscapes' files go and whether they are there (cityscapes27.ts reads them). Nothing here decodes an
// image: the API checks presence with it (runner/src/api-entry.ts).

const CITYSCAPES_DOWNLOADS =
  'https://www.cityscapes-dataset.com/downloads/ (leftImg8bit_trainvaltest.zip and gtFine_trainvaltest.zip; registration required)';
const STEGO_ARCHIVE = 'https://marhamilresearch4.blob.core.windows.net/stego-public/pytorch_data/cityscapes.zip';

const IMAGE_SUFFIX = '_leftImg8bit.png';
const LABEL_SUFFIX = '_gtFine_labelIds.png';

export interface CityscapesPair {
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
export async function listCityscapes27Pairs(
  root: string,
  data: Cityscapes27Data,
): Promise<{ pairs: CityscapesPair[]; missing: MissingDatasetFile[] }> {
  const d = dirs(root, data);
  const rel = (abs: string) => abs.slice(root.length + 1);
  const cities = await listDir(d.images);
  const labelCities = await listDir(d.labels);
  const missing: MissingDatasetFile[] = [];
  if (!cities) missing.push({ file: rel(d.images), expectedPath: d.images, source: CITYSCAPES_DOWNLOADS });
  if (!labelCities) missing.push({ file: rel(d.labels), expectedPath: d.labels, source: CITYSCAPES_DOWNLOADS });
  if (!cities || !labelCities) return { pairs: [], missing };
  const pairs: CityscapesPair[] = [];
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
  const { pairs, missing } = await listCityscapes27Pairs(root, data);
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
