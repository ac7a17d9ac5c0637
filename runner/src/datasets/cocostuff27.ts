import type { CocoStuff27Data } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { DatasetError } from './dataset-error.js';
import { decodeLabel, decodeRgb } from './decode.js';
import { checkCocoStuff27, cocoStuff27Instructions, cocoStuff27Paths, readCocoStuff27Ids } from './cocostuff27-files.js';
import { resizeShortSideCenterCrop } from './nearest-resize.js';
import type { SegmentationDataset } from './segmentation-dataset.js';

// COCO-Stuff-27 as STEGO evaluates it (mhamilton723/STEGO src/data.py, class `Coco`): image ids from
// `cocostuff/curated/val2017/Coco164kFull_Stuff_Coarse_7.txt` (subset 7, the curated 2,175 validation images
// of IIC), images `cocostuff/images/val2017/<id>.jpg`, labels `cocostuff/annotations/val2017/<id>.png` (the
// stuffthingmaps: ids 0–181, 255 unlabelled) mapped to 27 coarse classes by `fine_to_coarse`.

type CocoData = CocoStuff27Data;

/**
 * STEGO's `fine_to_coarse`, indexed by stuffthingmaps id: ids 0–90 are the COCO things (coarse 0–11), 91–181
 * the stuff classes (coarse 12–26). Every other value (255 = unlabelled) is ignored: STEGO maps 255 to -1, and
 * ids 182–254, which the maps never hold, to 0 by its zeros_like default; we ignore them instead.
 */
export const COCOSTUFF_FINE_TO_COARSE: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(255);
  const things: Array<[from: number, to: number, coarse: number]> = [
    [0, 0, 9],
    [1, 8, 11],
    [9, 14, 8],
    [15, 24, 7],
    [25, 32, 6],
    [33, 42, 10],
    [43, 50, 5],
    [51, 60, 2],
    [61, 70, 3],
    [71, 76, 0],
    [77, 82, 1],
    [83, 90, 4],
  ];
  for (const [from, to, coarse] of things) table.fill(coarse, from, to + 1);
  // prettier-ignore
  const stuff = [
    17, 17, 22, 20, 20, 22, 15, 25, 16, 13, // 91–100
    12, 12, 17, 17, 23, 15, 15, 17, 15, 21, // 101–110
    15, 25, 13, 13, 13, 13, 13, 22, 26, 14, // 111–120
    14, 15, 22, 21, 21, 24, 20, 22, 15, 17, // 121–130
    16, 15, 22, 24, 21, 17, 25, 16, 21, 17, // 131–140
    22, 16, 21, 21, 25, 21, 26, 21, 24, 20, // 141–150
    17, 14, 21, 26, 15, 23, 20, 21, 24, 15, // 151–160
    24, 22, 25, 15, 20, 17, 17, 22, 14, 18, // 161–170
    18, 18, 18, 18, 18, 18, 26, 26, 19, 19, // 171–180
    24, // 181
  ];
  table.set(stuff, 91);
  return table;
})();

/** Opens the listed images; each is decoded on demand and brought to `size × size` as STEGO's loader does. */
export async function openCocoStuff27(data: CocoData, root: string, size: number): Promise<SegmentationDataset> {
  const check = await checkCocoStuff27(data, root);
  if (!check.ok) throw new DatasetError(`COCO-Stuff-27 is not usable: ${check.problem}; ${cocoStuff27Instructions(data, root)}`);
  const p = cocoStuff27Paths(root, data);
  const ids = await readCocoStuff27Ids(p.list);
  return {
    count: ids.length,
    size,
    async image(index) {
      const img = await decodeRgb(p.image(ids[index]!));
      return resizeShortSideCenterCrop(img.data, img.height, img.width, 3, size);
    },
    async label(index) {
      const lab = await decodeLabel(p.label(ids[index]!));
      // The mapping is per pixel, so it commutes with the nearest resize and crop; applied after, on fewer pixels.
      const label = resizeShortSideCenterCrop(lab.data, lab.height, lab.width, 1, size);
      for (let i = 0; i < label.length; i++) label[i] = COCOSTUFF_FINE_TO_COARSE[label[i]!]!;
      return label;
    },
  };
}
