import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CocoStuff27Data } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { type DatasetCheck, firstFew, type MissingDatasetFile } from './dataset-error.js';

// Where COCO-Stuff-27's files go and whether they are there (cocostuff27.ts reads them). Nothing here decodes
// an image: the API checks presence with it (runner/src/api-entry.ts).

type CocoData = CocoStuff27Data;

const STEGO_ARCHIVE = 'https://marhamilresearch4.blob.core.windows.net/stego-public/pytorch_data/cocostuff.zip';
const COCO_VAL_IMAGES = 'http://images.cocodataset.org/zips/val2017.zip';
const STUFFTHINGMAPS = 'http://calvin.inf.ed.ac.uk/wp-content/uploads/data/cocostuffdataset/stuffthingmaps_trainval2017.zip';

export function cocoStuff27Paths(root: string, data: CocoData) {
  const base = join(root, 'cocostuff');
  return {
    list: join(base, 'curated', data.split, data.list),
    images: join(base, 'images', data.split),
    labels: join(base, 'annotations', data.split),
    image: (id: string) => join(base, 'images', data.split, `${id}.jpg`),
    label: (id: string) => join(base, 'annotations', data.split, `${id}.png`),
  };
}

const HOW_TO_GET =
  `unzip STEGO's prepared archive ${STEGO_ARCHIVE} into the datasets directory, or build the same layout from ` +
  `COCO's ${COCO_VAL_IMAGES} (images/val2017), COCO-Stuff's ${STUFFTHINGMAPS} (annotations/val2017) and STEGO's curated image list`;

export async function readCocoStuff27Ids(listPath: string): Promise<string[]> {
  const text = await readFile(listPath, 'utf8');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

async function names(dir: string): Promise<Set<string> | undefined> {
  try {
    return new Set(await readdir(dir));
  } catch {
    return undefined;
  }
}

/** Whether the files are there (presence only: nothing is decoded). */
export async function checkCocoStuff27(data: CocoData, root: string): Promise<DatasetCheck> {
  const p = cocoStuff27Paths(root, data);
  const rel = (abs: string) => abs.slice(root.length + 1);
  let ids: string[];
  try {
    ids = await readCocoStuff27Ids(p.list);
  } catch {
    const missing: MissingDatasetFile[] = [{ file: rel(p.list), expectedPath: p.list, source: HOW_TO_GET }];
    return { ok: false, missing, problem: `the curated image list ${p.list} is missing` };
  }
  if (ids.length !== data.images) {
    return {
      ok: false,
      missing: [],
      problem: `${p.list} lists ${ids.length} images, not the ${data.images} this suite scores: it is not STEGO's list`,
    };
  }
  const [images, labels] = await Promise.all([names(p.images), names(p.labels)]);
  const missing: MissingDatasetFile[] = [];
  for (const id of ids) {
    if (!images?.has(`${id}.jpg`)) missing.push({ file: rel(p.image(id)), expectedPath: p.image(id), source: COCO_VAL_IMAGES });
    if (!labels?.has(`${id}.png`)) missing.push({ file: rel(p.label(id)), expectedPath: p.label(id), source: STUFFTHINGMAPS });
  }
  if (missing.length === 0) return { ok: true };
  return {
    ok: false,
    missing,
    problem: `${missing.length} of the listed images or label maps are missing: ${firstFew(missing.map((m) => m.expectedPath))}`,
  };
}

/** Where the files go and where they come from, for "unavailable" messages. */
export function cocoStuff27Instructions(data: CocoData, root: string): string {
  const p = cocoStuff27Paths(root, data);
  return `expected ${p.list}, ${p.images}/<id>.jpg and ${p.labels}/<id>.png: ${HOW_TO_GET}`;
}
