// `genbench features`: activations of an extractor ONNX (described by an extractor manifest) over an ADM
// sample batch (.npz, `arr_0` uint8 [N, H, W, 3], streamed in row chunks) or a folder of PNG/JPEG images,
// written as an activations file: `pool` float32 [N, D], and `spatial` [N, S] / `logits` [N, C] when the
// extractor has them (the layout runner/src/metrics and shared/fixtures/metrics use). With a CLIP extractor
// manifest it writes `clip`, the L2-normalised CLIP image embeddings [N, D], and, given the prompts file of
// the batch (`genbench prompts` JSON Lines: image i answers prompt i), `clip_text`, the L2-normalised
// embedding of each image's prompt [N, D]: the keys `genbench metrics` reads for CMMD and CLIP score.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import sharp from 'sharp';
import { ExtractorError, FeatureExtractor, type FeatureBatch } from '../../evaluation/features.js';
import type { ExecutionProvider } from '../../evaluation/onnx-session.js';
import { ADM_IMAGES, checkAdmImages } from '../../io/adm-batch.js';
import { ArrayFileError, NpzWriter, openNpz, type NpzReader } from '../../io/npz.js';
import {
  parseFeaturesManifest,
  type ClipExtractorManifest,
  type ExtractorManifest,
} from '../../../../contracts/manifest/extractor-manifest.schemas.js';
import { l2NormalizeRows, PromptEncoder, TextEncoderError } from '../../text/text-encoder.js';
import { TokenizerLoadError } from '../../text/tokenizer.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { ManifestError } from '../../../../contracts/manifest/manifest.schemas.js';
import { CliError } from '../cli-error.js';
import { parseProvider } from '../../evaluation/execution-provider.js';

export interface FeaturesOptions {
  images: string;
  extractor: string;
  manifest: string;
  out: string;
  batchSize?: string;
  ep?: string;
  /** CLIP extractor manifests only: the text encoder ONNX, its tokenizer.json and the batch's prompts. */
  textEncoder?: string;
  tokenizer?: string;
  prompts?: string;
}

export interface FeaturesResult {
  count: number;
  /** Side of the input images, and of what the extractor took after preprocessing. */
  imageSize: number;
  inputSize: number;
  /** Shape of every array written, by key. */
  shapes: Record<string, [number, number]>;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

interface ImageSource {
  /** What the images are, for messages. */
  label: string;
  count: number;
  size: number;
  batches(batchSize: number): AsyncGenerator<Uint8Array>;
  close(): Promise<void>;
}

function parseBatchSize(value: string | undefined): number {
  if (value === undefined) return 64;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new CliError(`--batch-size must be a positive integer, got '${value}'`);
  return n;
}

async function readManifest(path: string): Promise<ExtractorManifest | ClipExtractorManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read manifest ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, { cause: err });
  }
  try {
    return parseFeaturesManifest(text);
  } catch (err) {
    if (err instanceof ManifestError) throw new CliError(`${path}: ${err.message}`, 2, { cause: err });
    throw err;
  }
}

/** An ADM sample batch (layout: io/adm-batch.ts), read in row chunks (`arr_1` labels, if any, are not needed). */
async function npzSource(path: string): Promise<ImageSource> {
  let reader: NpzReader;
  try {
    reader = await openNpz(path);
  } catch (err) {
    if (err instanceof ArrayFileError) throw new CliError(err.message, 2, { cause: err });
    throw err;
  }
  try {
    const layout = checkAdmImages(reader);
    if ('problem' in layout) throw new CliError(`${path}: ${layout.problem}`);
    const { count, resolution } = layout;
    return {
      label: path,
      count,
      size: resolution,
      async *batches(batchSize) {
        try {
          for await (const chunk of reader.rows(ADM_IMAGES, { batchRows: batchSize })) yield chunk.data as Uint8Array;
        } catch (err) {
          if (err instanceof ArrayFileError) throw new CliError(err.message, 2, { cause: err });
          throw err;
        }
      },
      close: () => reader.close(),
    };
  } catch (err) {
    await reader.close();
    throw err;
  }
}

async function decodeImage(path: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  try {
    const { data, info } = await sharp(path)
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    throw new CliError(`${path}: cannot decode as an image (${(err as Error).message})`, 2, { cause: err });
  }
}

/** PNG/JPEG files of a folder, sorted by file name, as RGB; all must have the size of the first. */
async function folderSource(dir: string): Promise<ImageSource> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new CliError(`${dir}: no PNG or JPEG images in this folder`);
  const first = await decodeImage(join(dir, names[0]!));
  if (first.width !== first.height)
    throw new CliError(`${join(dir, names[0]!)}: images must be square, this one is ${first.width}×${first.height}`);
  const size = first.width;
  return {
    label: dir,
    count: names.length,
    size,
    async *batches(batchSize) {
      const plane = size * size * 3;
      for (let start = 0; start < names.length; start += batchSize) {
        const n = Math.min(batchSize, names.length - start);
        const batch = new Uint8Array(n * plane);
        // Decoded concurrently (sharp's thread pool), checked in file order so errors are deterministic.
        const decoded = await Promise.allSettled(
          names.slice(start, start + n).map((name, i) => (start + i === 0 ? Promise.resolve(first) : decodeImage(join(dir, name)))),
        );
        for (let i = 0; i < n; i++) {
          const file = join(dir, names[start + i]!);
          const result = decoded[i]!;
          if (result.status === 'rejected') throw result.reason;
          const img = result.value;
          if (img.width !== size || img.height !== size) {
            throw new CliError(
              `${file}: is ${img.width}×${img.height}, but ${names[0]} (the first image) is ${size}×${size}; all images must have the same size`,
            );
          }
          batch.set(img.data, i * plane);
        }
        yield batch;
      }
    },
    close: async () => undefined,
  };
}

async function openImages(path: string): Promise<ImageSource> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new CliError(`cannot read images ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, { cause: err });
  }
  return info.isDirectory() ? folderSource(path) : npzSource(path);
}

/**
 * Rows of each output go to a scratch file as they come (a 50,000-image run's activations need not fit in
 * memory), then into the archive one entry after another.
 */
class ActivationSpool {
  private readonly files = new Map<string, { fh: FileHandle; dim: number; path: string; rows: number }>();
  rows = 0;

  private constructor(private readonly dir: string) {}

  static async create(out: string): Promise<ActivationSpool> {
    const dir = `${out}.parts-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await mkdir(dir);
    } catch (err) {
      throw new CliError(`cannot write next to ${out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, {
        cause: err,
      });
    }
    return new ActivationSpool(dir);
  }

  async add(batch: FeatureBatch): Promise<void> {
    const parts: Array<[string, Float32Array | undefined, number | undefined]> = [
      ['pool', batch.pool, batch.poolDim],
      ['spatial', batch.spatial, batch.spatialDim],
      ['logits', batch.logits, batch.logitsDim],
    ];
    for (const [key, data, dim] of parts) {
      if (!data || !dim) continue;
      let f = this.files.get(key);
      if (!f) {
        if (this.rows > 0) throw new ExtractorError(`the extractor returned ${key} for some batches only`);
        const path = join(this.dir, `${key}.f32`);
        f = { fh: await open(path, 'w'), dim, path, rows: 0 };
        this.files.set(key, f);
      }
      await this.write(key, data, dim, batch.count);
    }
    this.rows += batch.count;
  }

  /** Appends `count` rows of width `dim` to the array `key` (created on first use). */
  async write(key: string, data: Float32Array, dim: number, count: number): Promise<void> {
    let f = this.files.get(key);
    if (!f) {
      const path = join(this.dir, `${key}.f32`);
      f = { fh: await open(path, 'w'), dim, path, rows: 0 };
      this.files.set(key, f);
    }
    if (dim !== f.dim) throw new ExtractorError(`the extractor's ${key} width changed from ${f.dim} to ${dim} between batches`);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, count * dim * 4);
    for (let done = 0; done < bytes.length;) done += (await f.fh.write(bytes, done)).bytesWritten;
    f.rows += count;
  }

  shapes(): Record<string, [number, number]> {
    return Object.fromEntries([...this.files].map(([key, f]) => [key, [f.rows, f.dim]]));
  }

  async writeNpz(out: string): Promise<void> {
    const writer = await NpzWriter.create(out).catch((err: unknown) => {
      throw err instanceof ArrayFileError ? new CliError(err.message, 2, { cause: err }) : err;
    });
    try {
      for (const [key, f] of this.files) {
        await f.fh.close();
        await writer.begin(key, 'float32', [f.rows, f.dim]);
        const fh = await open(f.path, 'r');
        try {
          const chunkRows = Math.max(1, Math.floor((16 * 1024 * 1024) / (f.dim * 4)));
          for (let r = 0; r < f.rows; r += chunkRows) {
            const n = Math.min(chunkRows, f.rows - r);
            const chunk = new Float32Array(n * f.dim);
            const bytes = new Uint8Array(chunk.buffer);
            for (let done = 0; done < bytes.length;) {
              const { bytesRead } = await fh.read(bytes, done, bytes.length - done, r * f.dim * 4 + done);
              if (bytesRead === 0) throw new Error(`scratch file ${f.path} ended early`);
              done += bytesRead;
            }
            await writer.append(chunk);
          }
        } finally {
          await fh.close();
        }
        await writer.end();
      }
      await writer.close();
    } catch (err) {
      await writer.abort();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    for (const f of this.files.values()) await f.fh.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Runs the extractor over the images and writes the activations file; every user error is a CliError. */
export async function computeFeatures(
  options: FeaturesOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<FeaturesResult> {
  const batchSize = parseBatchSize(options.batchSize);
  const ep = parseProvider(options.ep ?? 'auto');
  if (!ep) throw new CliError(`--ep must be auto, cpu, webgpu or cuda, not "${options.ep}"`);
  const manifest = await readManifest(options.manifest);
  const textFlags = (['textEncoder', 'tokenizer', 'prompts'] as const).filter((k) => options[k] !== undefined);
  if (manifest.kind === 'feature-extractor' && textFlags.length > 0)
    throw new CliError(`--text-encoder, --tokenizer and --prompts need a CLIP extractor manifest (kind "clip-extractor")`);
  if (manifest.kind === 'clip-extractor' && textFlags.length > 0 && textFlags.length < 3)
    throw new CliError(`prompt embeddings (clip_text) need all of --prompts, --text-encoder and --tokenizer`);
  let model: Buffer;
  try {
    model = await readFile(options.extractor);
  } catch (err) {
    throw new CliError(`cannot read extractor ${options.extractor}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, {
      cause: err,
    });
  }
  try {
    await stat(dirname(options.out));
  } catch (err) {
    throw new CliError(`cannot write ${options.out}: its folder does not exist`, 2, { cause: err });
  }

  if (manifest.kind === 'clip-extractor') return computeClipFeatures(options, manifest, model, batchSize, ep, onProgress);

  const source = await openImages(options.images);
  let extractor: FeatureExtractor | undefined;
  let spool: ActivationSpool | undefined;
  try {
    extractor = await FeatureExtractor.fromModel(
      model,
      {
        inputSize: manifest.input_size,
        normalization: manifest.normalization,
        preprocessing: manifest.preprocessing,
        names: { images: manifest.inputs.images, ...manifest.outputs },
      },
      ep,
      'the extractor',
    );
    for (const w of extractor.warnings) process.stderr.write(`warning: ${w}\n`);
    spool = await ActivationSpool.create(options.out);
    onProgress?.(0, source.count);
    let done = 0;
    for await (const images of source.batches(batchSize)) {
      const n = images.length / (source.size * source.size * 3);
      await spool.add(await extractor.extract(images, n, source.size));
      done += n;
      onProgress?.(done, source.count);
    }
    await spool.writeNpz(options.out);
    return { count: source.count, imageSize: source.size, inputSize: manifest.input_size, shapes: spool.shapes() };
  } catch (err) {
    if (err instanceof ExtractorError) throw new CliError(`${options.extractor}: ${err.message}`, 2, { cause: err });
    throw err;
  } finally {
    await spool?.dispose();
    await extractor?.close();
    await source.close();
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, { cause: err });
  }
}

/** A prompts file as `genbench prompts` writes it: one `{"index": i, "prompt": "…"}` per line, i = 0, 1, … */
export async function readPromptsJsonl(path: string): Promise<string[]> {
  const lines = (await readText(path, 'prompts')).split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const prompts: string[] = [];
  for (const [i, line] of lines.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CliError(`${path}: line ${i + 1} is not JSON; expected {"index": ${i}, "prompt": "…"} as \`genbench prompts\` writes`);
    }
    const v = value as { index?: unknown; prompt?: unknown };
    if (typeof v !== 'object' || v === null || v.index !== i || typeof v.prompt !== 'string')
      throw new CliError(`${path}: line ${i + 1} must be {"index": ${i}, "prompt": "…"} (image i answers prompt i)`);
    prompts.push(v.prompt);
  }
  if (prompts.length === 0) throw new CliError(`${path}: the prompt list is empty`);
  return prompts;
}

/** `clip` (and with prompts `clip_text`) of the images, both L2-normalised row by row. */
async function computeClipFeatures(
  options: FeaturesOptions,
  manifest: ClipExtractorManifest,
  model: Buffer,
  batchSize: number,
  ep: ExecutionProvider,
  onProgress?: (done: number, total: number) => void,
): Promise<FeaturesResult> {
  let text: { model: Buffer; tokenizer: string; prompts: string[] } | undefined;
  if (options.prompts !== undefined) {
    const textModel = await readFile(options.textEncoder!).catch((err: unknown) => {
      throw new CliError(
        `cannot read text encoder ${options.textEncoder}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        2,
        {
          cause: err,
        },
      );
    });
    text = {
      model: textModel,
      tokenizer: await readText(options.tokenizer!, 'tokenizer'),
      prompts: await readPromptsJsonl(options.prompts),
    };
  }
  const source = await openImages(options.images);
  let image: FeatureExtractor | undefined;
  let encoder: PromptEncoder | undefined;
  let spool: ActivationSpool | undefined;
  try {
    if (text && text.prompts.length !== source.count)
      throw new CliError(
        `${options.prompts} holds ${text.prompts.length} prompts but ${source.label} ${source.count} images: image i must answer prompt i`,
      );
    image = await FeatureExtractor.fromModel(
      model,
      {
        inputSize: manifest.image.input_size,
        normalization: manifest.image.normalization,
        preprocessing: manifest.image.preprocessing,
        names: { images: manifest.image.input, pool: manifest.image.output },
      },
      ep,
      'the CLIP image encoder',
    );
    for (const w of image.warnings) process.stderr.write(`warning: ${w}\n`);
    if (text) {
      try {
        encoder = await PromptEncoder.open(
          text.model,
          text.tokenizer,
          {
            inputs: manifest.text.inputs,
            outputs: [manifest.text.output],
            contextLength: manifest.text.context_length,
            padToken: manifest.tokenizer.pad_token,
            label: 'the CLIP text encoder',
          },
          ep,
        );
      } catch (err) {
        if (err instanceof TokenizerLoadError) throw new CliError(`${options.tokenizer}: ${err.message}`, 2, { cause: err });
        if (err instanceof ModelFailure) throw new CliError(`${options.textEncoder}: ${err.message}`, 2, { cause: err });
        throw err;
      }
    }
    spool = await ActivationSpool.create(options.out);
    onProgress?.(0, source.count);
    let done = 0;
    let truncated = 0;
    for await (const images of source.batches(batchSize)) {
      const n = images.length / (source.size * source.size * 3);
      const f = await image.extract(images, n, source.size);
      await spool.write('clip', l2NormalizeRows(f.pool, n, f.poolDim), f.poolDim, n);
      if (encoder && text) {
        const e = await encoder.encode(text.prompts.slice(done, done + n));
        const out = e.outputs[manifest.text.output]!;
        const dim = out.rowShape.reduce((a, b) => a * b, 1);
        if (out.rowShape.length !== 1 || dim !== f.poolDim)
          throw new CliError(
            `${options.textEncoder}: its output "${manifest.text.output}" is [${out.rows}, ${out.rowShape.join(', ')}] but the image embeddings are [${n}, ${f.poolDim}]: both encoders must embed into one space`,
          );
        await spool.write('clip_text', l2NormalizeRows(out.data, n, dim), dim, n);
        truncated += e.truncated.length;
      }
      done += n;
      onProgress?.(done, source.count);
    }
    if (truncated > 0) process.stderr.write(`warning: ${truncated} prompts were cut to the tokenizer's ${encoder!.maxLength} tokens\n`);
    await spool.writeNpz(options.out);
    return { count: source.count, imageSize: source.size, inputSize: manifest.image.input_size, shapes: spool.shapes() };
  } catch (err) {
    if (err instanceof ExtractorError) throw new CliError(`${options.extractor}: ${err.message}`, 2, { cause: err });
    if (err instanceof TextEncoderError) throw new CliError(`${options.textEncoder}: ${err.message}`, 2, { cause: err });
    throw err;
  } finally {
    await spool?.dispose();
    await encoder?.close();
    await image?.close();
    await source.close();
  }
}

export function register(program: Command): void {
  program
    .command('features')
    .description(
      'compute extractor activations (pool, spatial, logits) of an ADM sample batch or an image folder, or CLIP embeddings (clip, clip_text)',
    )
    .requiredOption('--images <path>', 'ADM sample batch .npz (arr_0 uint8 [N, H, W, 3]) or a folder of PNG/JPEG images (sorted by name)')
    .requiredOption('--extractor <file>', 'extractor ONNX (with a CLIP manifest: the CLIP image encoder)')
    .requiredOption('--manifest <file>', 'extractor manifest JSON (kind "feature-extractor", or "clip-extractor" for clip/clip_text)')
    .requiredOption('--out <file>', 'activations .npz to write')
    .option('--text-encoder <file>', 'CLIP text encoder ONNX (CLIP manifest, with --prompts)')
    .option('--tokenizer <file>', "the CLIP text encoder's Hugging Face tokenizer.json (CLIP manifest, with --prompts)")
    .option(
      '--prompts <file>',
      "prompts.jsonl of the batch as `genbench prompts` writes it: writes clip_text, the embedding of image i's prompt i",
    )
    .option('--batch-size <n>', 'images per extractor run', '64')
    .option(
      '--ep <provider>',
      'execution provider: auto (CUDA where installed, else CPU), cpu, webgpu or cuda',
      process.env.GENBENCH_EP ?? 'auto',
    )
    .action(async (opts: FeaturesOptions) => {
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: `features {bar} {percentage}% | {value}/{total} images | {duration}s`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      let result: FeaturesResult;
      try {
        result = await computeFeatures(opts, (done, total) => {
          if (!started) bar.start(total, done);
          else bar.update(done);
          started = true;
        });
      } finally {
        if (started) bar.stop();
      }
      const shapes = Object.entries(result.shapes).map(([k, s]) => `${k} [${s.join(', ')}]`);
      const resized = result.imageSize === result.inputSize ? '' : ` (resized ${result.imageSize}→${result.inputSize})`;
      process.stdout.write(`wrote ${opts.out}: ${shapes.join(', ')} from ${result.count} images${resized}\n`);
    });
}
