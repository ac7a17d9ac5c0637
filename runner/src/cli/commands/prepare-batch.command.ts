// `genbench prepare-batch`: a folder of JPEG/PNG images → an ADM-style batch (`arr_0` uint8 [N, S, S, 3]), the
// way the real image-conditioned suites' reference batches are described (benchmarks/image-conditioned/*.suite.ts,
// README.md "Suites"): each file decoded to RGB as Pillow's Image.open(p).convert("RGB") does, optionally the left
// or right half of a pix2pix AB image (DDBM's EdgesDataset: AB.crop((0, 0, w // 2, h)) / AB.crop((w // 2, 0, w, h))),
// optionally centre-cropped to its shorter side (torchvision's center_crop, as DDRM's CenterCropLongEdge calls it),
// then resized to S × S by Pillow's 8-bit Image.resize (runner/src/preprocessing/pil-bicubic.ts); or scaled and
// cropped as guided-diffusion's center_crop_arr does (`--crop adm`). Rows are streamed
// to the .npz one image at a time, so a 5,000 × 512² batch never sits in memory.

import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import sharp from 'sharp';
import { sha256File } from '../../assets/assets.js';
import { ADM_IMAGES } from '../../io/adm-batch.js';
import { ArrayFileError } from '../../io/array-file-error.js';
import { NpzWriter } from '../../io/npz.js';
import { PIL_FILTERS, resizePilUint8, type PilFilter } from '../../preprocessing/pil-bicubic.js';
import { CliError } from '../cli-error.js';

const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;

export interface PrepareBatchOptions {
  images: string;
  /** One path per line, relative to `images`: which files, in which order. */
  list?: string;
  size: number;
  crop: 'center' | 'none' | 'adm';
  splitAb?: 'left' | 'right';
  resample: PilFilter;
  out: string;
}

export interface PrepareBatchResult {
  count: number;
  sha256: string;
}

/** Decoded RGB pixels, row-major height × width × 3. */
export interface RgbImage {
  data: Uint8Array;
  height: number;
  width: number;
}

/**
 * A JPEG or PNG file as 8-bit RGB, as Pillow's Image.open(p).convert("RGB") gives it: greyscale expanded, alpha
 * dropped (not composited), palette looked up, EXIF orientation and the embedded ICC profile not applied (Pillow
 * applies neither). Other colour spaces (CMYK) and 16-bit files, which convert("RGB") maps in ways not checked
 * here, are refused.
 */
export async function decodePilRgb(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 2, { cause: err });
  }
  try {
    const image = sharp(bytes, { ignoreIcc: true, failOn: 'error', autoOrient: false });
    const meta = await image.metadata();
    if (meta.format !== 'jpeg' && meta.format !== 'png') throw new CliError(`${path} is ${meta.format}, not a JPEG or PNG`);
    if (meta.depth !== 'uchar' || (meta.space !== 'srgb' && meta.space !== 'b-w'))
      throw new CliError(
        `${path} is not 8-bit RGB or greyscale (colour space ${meta.space}, depth ${meta.depth}); convert it to RGB first`,
      );
    const { data, info } = await image.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new CliError(`${path} decoded to ${info.channels} channels, not RGB`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot decode ${path}: ${(err as Error).message}`, 2, { cause: err });
  }
}

/** Python 3's round(): half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Columns [x0, x0 + w) and rows [y0, y0 + h) of an image. */
function cropRgb(img: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  if (x0 === 0 && y0 === 0 && w === img.width && h === img.height) return img;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * img.width + x0) * 3;
    data.set(img.data.subarray(from, from + w * 3), y * w * 3);
  }
  return { data, height: h, width: w };
}

/**
 * One image as the batch holds it: the AB half (w2 = floor(w / 2): left [0, w2), right [w2, w)), the centre
 * square (torchvision's center_crop: offsets int(round((H − s) / 2)), Python's round half to even), then Pillow's
 * 8-bit resize to size × size (an equal size is a copy, as Image.resize returns one).
 */
export function prepareImage(img: RgbImage, opts: Pick<PrepareBatchOptions, 'size' | 'crop' | 'splitAb' | 'resample'>): Uint8Array {
  let out = img;
  if (opts.splitAb) {
    const w2 = Math.floor(out.width / 2);
    out = opts.splitAb === 'left' ? cropRgb(out, 0, 0, w2, out.height) : cropRgb(out, w2, 0, out.width - w2, out.height);
  }
  if (out.width === 0 || out.height === 0) throw new CliError(`an image of ${img.width}×${img.height} has no pixels left to resize`);
  if (opts.crop === 'adm') return centerCropArr(out, opts.size, opts.resample);
  if (opts.crop === 'center') {
    const s = Math.min(out.width, out.height);
    out = cropRgb(out, roundHalfEven((out.width - s) / 2), roundHalfEven((out.height - s) / 2), s, s);
  }
  return resizePilUint8(out.data, { count: 1, height: out.height, width: out.width, channels: 3 }, opts.size, opts.size, opts.resample);
}

function resizeRgb(img: RgbImage, height: number, width: number, filter: PilFilter): RgbImage {
  const shape = { count: 1, height: img.height, width: img.width, channels: 3 };
  return { data: resizePilUint8(img.data, shape, height, width, filter), height, width };
}

/**
 * guided-diffusion's center_crop_arr (image_datasets.py; DDRM's datasets/__init__.py imports it): halve with
 * Image.BOX while the shorter side is ≥ 2S, resize so the shorter side is S (each side round(x · S / short),
 * Python's round, with `filter`: ADM's is bicubic), then take the S × S square at floor((H − S) / 2), floor((W − S) / 2).
 */
function centerCropArr(img: RgbImage, size: number, filter: PilFilter): Uint8Array {
  let out = img;
  while (Math.min(out.width, out.height) >= 2 * size) out = resizeRgb(out, Math.floor(out.height / 2), Math.floor(out.width / 2), 'box');
  const scale = size / Math.min(out.width, out.height);
  out = resizeRgb(out, roundHalfEven(out.height * scale), roundHalfEven(out.width * scale), filter);
  return cropRgb(out, Math.floor((out.width - size) / 2), Math.floor((out.height - size) / 2), size, size).data;
}

// Python's sorted() on str orders by code point, which is the byte order of UTF-8.
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The files to read, in batch order: the --list lines, or the folder's JPEG/PNG files sorted by name. */
export async function listImages(images: string, list?: string): Promise<string[]> {
  try {
    if (!(await stat(images)).isDirectory()) throw new CliError(`--images ${images} is not a folder`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`--images ${images}: cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 2, {
      cause: err,
    });
  }
  if (list !== undefined) {
    let text: string;
    try {
      text = await readFile(list, 'utf8');
    } catch (err) {
      throw new CliError(`--list ${list}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 2, {
        cause: err,
      });
    }
    const lines = text.split(/\r?\n/);
    // A final newline ends the last line; any other empty line is a mistake in the list.
    if (lines.at(-1) === '') lines.pop();
    const names: string[] = [];
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') throw new CliError(`--list ${list}: line ${i + 1} is empty`);
      if (isAbsolute(line)) throw new CliError(`--list ${list}: line ${i + 1} (${line}) must be relative to --images`);
      names.push(line);
    }
    if (names.length === 0) throw new CliError(`--list ${list} names no images`);
    return names;
  }
  const entries = await readdir(images, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.test(e.name))
    .map((e) => e.name)
    .sort(byCodePoint);
  if (names.length === 0) throw new CliError(`--images ${images} holds no .jpg, .jpeg or .png files`);
  return names;
}

/** Writes the batch and returns its image count and the sha256 of the written file. */
export async function prepareBatch(opts: PrepareBatchOptions): Promise<PrepareBatchResult> {
  const names = await listImages(opts.images, opts.list);
  // Every listed file must exist before anything is decoded: a typo in line 4,999 should not cost the first 4,998.
  for (const [i, name] of names.entries()) {
    const path = join(opts.images, name);
    const ok = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!ok) throw new CliError(`${path} (${opts.list ? `line ${i + 1} of ${opts.list}` : `image ${i}`}) is not a file`);
  }
  let writer: NpzWriter;
  try {
    writer = await NpzWriter.create(opts.out);
  } catch (err) {
    throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`, 2, { cause: err });
  }
  try {
    await writer.begin(ADM_IMAGES, 'uint8', [names.length, opts.size, opts.size, 3]);
    // The next file decodes (sharp, off the main thread) while this one is resized.
    let next = decodePilRgb(join(opts.images, names[0]!));
    for (let i = 0; i < names.length; i++) {
      const img = await next;
      if (i + 1 < names.length) next = decodePilRgb(join(opts.images, names[i + 1]!));
      // Settled later by `await next`; a rejection must not be reported as unhandled before that.
      next.catch(() => undefined);
      await writer.append(prepareImage(img, opts));
    }
    await writer.end();
    await writer.close();
  } catch (err) {
    await writer.abort();
    if (err instanceof CliError) throw err;
    if (err instanceof ArrayFileError) throw new CliError(err.message, 2, { cause: err });
    throw err;
  }
  return { count: names.length, sha256: await sha256File(opts.out) };
}

function positiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`${name} must be an integer ≥ 1, not "${value}"`);
    return n;
  };
}

function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new CliError(`${name} must be one of ${values.join(', ')}, not "${value}"`);
    return value as T;
  };
}

export function register(program: Command): void {
  program
    .command('prepare-batch')
    .description(
      'turn a folder of JPEG/PNG images into an ADM-style reference batch (arr_0 uint8 [N, S, S, 3]) as the image-conditioned suites\' files describe (README.md, "Suites"); prints the count and the file\'s sha256',
    )
    .requiredOption('--images <dir>', 'folder of .jpg/.jpeg/.png files')
    .option(
      '--list <file>',
      'which images, in which order: one path per line, relative to --images (default: every .jpg/.jpeg/.png file in --images, sorted by file name in code-point order, as Python sorted())',
    )
    .requiredOption('--size <S>', 'output side in pixels', positiveInteger('--size'))
    .requiredOption(
      '--crop <mode>',
      "center: crop to the centred square of the shorter side before resizing (torchvision center_crop, offsets rounded half to even); none: resize the whole image to S×S; adm: guided-diffusion's center_crop_arr (box halvings while the shorter side is ≥ 2S, --resample so the shorter side is S, floor-centred S×S crop)",
      oneOf('--crop', ['center', 'none', 'adm'] as const),
    )
    .option(
      '--split-ab <half>',
      'pix2pix aligned AB images: keep the left (A) or right (B) half, w // 2 wide, before cropping and resizing',
      oneOf('--split-ab', ['left', 'right'] as const),
    )
    .option(
      '--resample <filter>',
      "Pillow's Image.resize filter on the 8-bit image: bicubic, bilinear, lanczos or box",
      oneOf('--resample', Object.keys(PIL_FILTERS) as PilFilter[]),
      'bicubic',
    )
    .requiredOption('--out <file>', 'the .npz to write')
    .action(async (opts: PrepareBatchOptions) => {
      const r = await prepareBatch(opts);
      process.stdout.write(`wrote ${r.count} images to ${opts.out}\nsha256 ${r.sha256}\n`);
    });
}
