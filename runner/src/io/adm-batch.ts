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
  const e = checkHeader(reader);
  if ('problem' in e) return e;
  if (e.shape.length === 5 && e.shape[4] === 3) {
    return {
      problem: `${ADM_IMAGES} holds videos [N, T, H, W, 3] = [${e.shape.join(', ')}]; image suites score image batches [N, H, W, 3]`,
    };
  }
  if (e.shape.length !== 4 || e.shape[3] !== 3) {
    return { problem: `${ADM_IMAGES} must be [N, H, W, 3] (NHWC RGB), it is [${e.shape.join(', ')}]` };
  }
  const [count, h, w] = e.shape as [number, number, number];
  const rest = checkFrames(h, w, e.fortranOrder, count, 'images');
  return rest ?? { count, resolution: h };
}

/** The video array of a video sample batch: uint8 [N, T, H, W, 3], the ADM layout with a time axis after N. */
export interface AdmVideosLayout {
  /** Videos in the batch (N). */
  count: number;
  /** Frames per video (T). */
  frames: number;
  /** Side of the square frames (H = W). */
  resolution: number;
}

/**
 * Checks `arr_0` as a video batch, uint8 [N, T, H, W, 3] in C order (nothing is read but headers); with
 * `frames`, T must equal it. An image batch [N, H, W, 3] is refused as one, naming the layout videos need.
 */
export function checkAdmVideos(reader: NpzReader, frames?: number): AdmVideosLayout | AdmBatchProblem {
  const e = checkHeader(reader);
  if ('problem' in e) return e;
  if (e.shape.length === 4 && e.shape[3] === 3) {
    return {
      problem: `${ADM_IMAGES} is an image batch [N, H, W, 3] = [${e.shape.join(', ')}]; video suites score videos: save arr_0 as [N, T, H, W, 3] (T frames per video)`,
    };
  }
  if (e.shape.length !== 5 || e.shape[4] !== 3) {
    return { problem: `${ADM_IMAGES} must be [N, T, H, W, 3] (videos of NHWC RGB frames), it is [${e.shape.join(', ')}]` };
  }
  const [count, t, h, w] = e.shape as [number, number, number, number];
  const rest = checkFrames(h, w, e.fortranOrder, count, 'videos');
  if (rest) return rest;
  if (t === 0) return { problem: `${ADM_IMAGES} holds videos of no frames` };
  if (frames !== undefined && t !== frames) return { problem: `${ADM_IMAGES} holds videos of ${t} frames, ${frames} are expected` };
  return { count, frames: t, resolution: h };
}

function checkHeader(reader: NpzReader): ReturnType<NpzReader['entry']> | AdmBatchProblem {
  if (!reader.has(ADM_IMAGES)) {
    const keys = reader.entries.map((e) => e.name).join(', ') || 'nothing';
    return { problem: `no ${ADM_IMAGES} (images); the archive holds: ${keys}` };
  }
  const e = reader.entry(ADM_IMAGES);
  if (e.dtype !== 'uint8') return { problem: `${ADM_IMAGES} must be uint8 (as ADM sample batches are), it is ${e.dtype}` };
  return e;
}

function checkFrames(h: number, w: number, fortranOrder: boolean, count: number, what: 'images' | 'videos'): AdmBatchProblem | undefined {
  if (h !== w)
    return { problem: `${ADM_IMAGES} holds ${h}×${w} ${what === 'images' ? 'images; images' : 'frames; frames'} must be square` };
  if (fortranOrder) {
    return { problem: `${ADM_IMAGES} is stored in Fortran order and cannot be streamed; save it C-contiguous (numpy.ascontiguousarray)` };
  }
  if (count === 0) return { problem: `${ADM_IMAGES} holds no ${what}` };
  return undefined;
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

/**
 * `requireAdmImages` with a bad layout turned into the fault of whoever owns the file: `new SuiteFailure(…)` for
 * a suite's pinned reference, `new ModelFailure(…)` for a submitted batch.
 */
export function requireAdmImagesOr(
  reader: NpzReader,
  file: string,
  fault: (message: string, options: ErrorOptions) => Error,
): AdmImagesLayout {
  try {
    return requireAdmImages(reader, file);
  } catch (err) {
    throw err instanceof AdmBatchError ? fault(err.message, { cause: err }) : err;
  }
}

/** `checkAdmVideos`, throwing an `AdmBatchError` that names `file`. */
export function requireAdmVideos(reader: NpzReader, file: string, frames?: number): AdmVideosLayout {
  const layout = checkAdmVideos(reader, frames);
  if ('problem' in layout) throw new AdmBatchError(file, layout.problem);
  return layout;
}
