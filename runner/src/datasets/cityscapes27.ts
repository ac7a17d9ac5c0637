import type { Cityscapes27Data } from '../../../contracts/suites/segmentation-suite.schemas.js';
import { DatasetError } from './dataset-error.js';
import { decodeLabel, decodeRgb } from './decode.js';
import { checkCityscapes27, cityscapes27Instructions, listCityscapes27Pairs } from './cityscapes27-files.js';
import { resizeShortSideCenterCrop } from './nearest-resize.js';
import type { SegmentationDataset } from './segmentation-dataset.js';

// Cityscapes as STEGO evaluates it (mhamilton723/STEGO src/data.py, class `CityscapesSeg`, through
// torchvision's `Cityscapes(root, "val", mode="fine", target_type="semantic")`): every
// `cityscapes/leftImg8bit/val/<city>/<name>_leftImg8bit.png` with `cityscapes/gtFine/val/<city>/<name>_gtFine_labelIds.png`;
// `target - 7`, negatives to -1 (`first_nonvoid = 7`), and the metric keeps 0..26: label ids 7–33 are classes
// 0–26, every other id is ignored. Cities and files are read in sorted order (torchvision lists them in
// directory order, which the scores do not depend on).

export const CITYSCAPES_FIRST_CLASS_ID = 7;
export const CITYSCAPES27_CLASSES = 27;

/** Cityscapes labelIds → classes: 7–33 → 0–26, everything else 255 (ignored). */
export const CITYSCAPES_ID_TO_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(256).fill(255);
  for (let c = 0; c < CITYSCAPES27_CLASSES; c++) table[CITYSCAPES_FIRST_CLASS_ID + c] = c;
  return table;
})();

export async function openCityscapes27(data: Cityscapes27Data, root: string, size: number): Promise<SegmentationDataset> {
  const check = await checkCityscapes27(data, root);
  if (!check.ok) throw new DatasetError(`Cityscapes is not usable: ${check.problem}; ${cityscapes27Instructions(data, root)}`);
  const { pairs } = await listCityscapes27Pairs(root, data);
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
