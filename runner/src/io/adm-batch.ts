import type { NpzReader } from './npz.js';

/**
 * The image array of an ADM sample batch, as guided-diffusion's `evaluations/evaluator.py` reads it
 * (`np.load(path)["arr_0"]`): uint8 [N, H, W, 3], RGB, square images, at least one. It must also be stored
 * in C order: rows are streamed in chunks, and the rows of a Fortran-order array are not contiguous (the
 * reader would have to hold and transpose the whole array).
 *
 * The one copy of this rule: an uploaded sample batch (at submission and when it is scored), an ADM
 * reference batch, and `genbench features --images` all check their `arr_0` here.
 */
export const ADM_IMAGES = 'arr_0';

export interface AdmImagesLayout {
  /** Images in the batch (N). */
  count: number;
  /** Side of the square images (H = W). */
  resolution: number;
}

/** What is wrong with a batch's images, in the terms of the person who saved it (no file name). */
export interface AdmBatchProblem {
  problem: string;
}

/** Checks the `arr_0` header of an open archive (nothing is read but headers). */
export function checkAdmImages(reader: NpzReader): AdmImagesLayout | AdmBatchProblem {
  if (!reader.has(ADM_IMAGES)) {
    const keys = reader.entries.map((e) => e.name).join(', ') || 'nothing';
    return { problem: `no ${ADM_IMAGES} (images); the archive holds: ${keys}` };
  }
  const e = reader.entry(ADM_IMAGES);
  if (e.dtype !== 'uint8') return { problem: `${ADM_IMAGES} must be uint8 (as ADM sample batches are), it is ${e.dtype}` };
  if (e.shape.length !== 4 || e.shape[3] !== 3) {
    return { problem: `${ADM_IMAGES} must be [N, H, W, 3] (NHWC RGB), it is [${e.shape.join(', ')}]` };
  }
  const [count, h, w] = e.shape as [number, number, number];
  if (h !== w) return { problem: `${ADM_IMAGES} holds ${h}×${w} images; images must be square` };
  if (e.fortranOrder) {
    return { problem: `${ADM_IMAGES} is stored in Fortran order and cannot be streamed; save it C-contiguous (numpy.ascontiguousarray)` };
  }
  if (count === 0) return { problem: `${ADM_IMAGES} holds no images` };
  return { count, resolution: h };
}

/** A reference or sample batch whose `arr_0` breaks the layout above; the message starts with the file. */
export class AdmBatchError extends Error {
  override readonly name = 'AdmBatchError';

  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** `checkAdmImages`, throwing an `AdmBatchError` that names `file`. */
export function requireAdmImages(reader: NpzReader, file: string): AdmImagesLayout {
  const layout = checkAdmImages(reader);
  if ('problem' in layout) throw new AdmBatchError(file, layout.problem);
  return layout;
}
