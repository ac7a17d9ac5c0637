import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { verifyAsset } from '../assets/assets.js';
import { buildTinyExtractor } from '../onnx/models/tiny-extractor.js';
import { normalizeNhwc } from '../preprocessing/normalization.js';
import { type Normalization } from '../../../contracts/enums.js';
import { preprocess } from '../preprocessing/preprocess.js';
import { type ResizeProtocol } from '../../../contracts/enums.js';
import { UINT8_IMAGES, buildPreprocessingGraph, prependPreprocessing } from '../preprocessing/preprocessing-graph.js';
import type { GenerationSuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { EvaluationFailure } from './evaluation-failure.js';
import { ModelFailure } from './model-failure.js';
import { type ExecutionProvider, openSession } from './onnx-session.js';
import { onnxErrorText } from '../onnx/error-text.js';

export { normalizeNhwc, type Normalization };

/** Features of one batch, row-major: pool [n, poolDim], spatial [n, spatialDim] (ADM layout), logits [n, logitsDim]. */
export interface FeatureBatch {
  count: number;
  pool: Float32Array;
  poolDim: number;
  spatial?: Float32Array;
  spatialDim?: number;
  logits?: Float32Array;
  logitsDim?: number;
}

/** What a feature extractor graph takes and returns, however it was configured (suite or manifest). */
export interface ExtractorSpec {
  /** Height and width of the images the graph takes, NCHW float32. */
  inputSize: number;
  normalization: Normalization;
  /** How images of another size are brought to `inputSize`; without one they are refused. */
  preprocessing?: ResizeProtocol;
  /** Graph tensor names. `images` may be left out when the graph has exactly one input. */
  names: { images?: string; pool: string; spatial?: string; logits?: string };
}

/**
 * The feature extractor itself cannot be used: its graph lacks a declared tensor, cannot be loaded, or
 * returns something other than features. The suite's fault (an admin must act: the extractor is pinned by
 * the suite), never the model's; onnxruntime failing while running it (memory, say) is an infrastructure
 * fault, retried.
 */
export class ExtractorError extends EvaluationFailure {
  constructor(message: string, options?: { cause?: unknown; kind?: 'suite' | 'infrastructure' }) {
    super(options?.kind ?? 'suite', message, options);
    this.name = 'ExtractorError';
  }
}

/**
 * ADM's sFID features: the first 7 channels of the spatial map [n, C, h, w], flattened in (h, w, c) order
 * (evaluator.py takes `mixed_6/conv[..., :7]` of an NHWC tensor). ADM's reference mu_s/sigma_s were
 * computed in that order; any other order silently breaks sFID.
 */
export function admSpatialFeatures(spatial: Float32Array, count: number, channels: number, h: number, w: number, keep = 7): Float32Array {
  const k = Math.min(keep, channels);
  const dim = h * w * k;
  const out = new Float32Array(count * dim);
  for (let n = 0; n < count; n++) {
    const src = n * channels * h * w;
    let o = n * dim;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < k; c++) out[o++] = spatial[src + c * h * w + y * w + x]!;
  }
  return out;
}

export interface OpenExtractorOptions {
  /** Where `onnx-file` extractors live (AssetDirs.modelsDir); required for them, unused by the builtin one. */
  modelsDir?: string;
  /** Intra-op threads of the session; default every core this process may use (os.availableParallelism()). */
  threads?: number;
  /**
   * `graph` (default): resize and normalize inside the session, from uint8 (preprocessing-graph.ts), where
   * the protocol can be written as a graph; `javascript`: always in JavaScript, then the float32 tensor
   * (the pipeline before; kept for comparisons).
   */
  preprocessIn?: 'graph' | 'javascript';
}

/** Runs a suite's feature extractor over uint8 image batches. */
export class FeatureExtractor {
  /** Per source size, the extractor with the preprocessing in front (preprocessing-graph.ts). */
  private readonly combined = new Map<number, Promise<ort.InferenceSession>>();

  private constructor(
    private session: ort.InferenceSession | undefined,
    private readonly model: Uint8Array,
    private readonly spec: ExtractorSpec & { names: { images: string } },
    readonly executionProvider: ExecutionProvider,
    readonly warnings: string[],
    private readonly options: { threads: number; preprocessIn: 'graph' | 'javascript'; label: string },
  ) {}

  /**
   * Opens a suite's extractor: the builtin tiny conv is built in memory; an `onnx-file` extractor is read
   * from the models directory after its sha256 is checked (MissingAssetError when it is absent or differs).
   */
  static async open(
    def: GenerationSuiteDefinition['extractor'],
    ep: ExecutionProvider = 'cpu',
    options: OpenExtractorOptions = {},
  ): Promise<FeatureExtractor> {
    if (def.type === 'builtin-tiny-conv') {
      const bytes = buildTinyExtractor({ inputSize: def.input_size, seed: def.seed });
      const spec: ExtractorSpec = {
        inputSize: def.input_size,
        normalization: def.normalization,
        preprocessing: def.preprocessing,
        names: { images: 'images', pool: 'pool', spatial: 'spatial', logits: 'logits' },
      };
      return FeatureExtractor.fromModel(bytes, spec, ep, undefined, options);
    }
    const modelsDir = options.modelsDir;
    if (modelsDir === undefined) throw new Error(`the extractor ${def.id} is a file: give the models directory to open it`);
    const path = await verifyAsset(modelsDir, { file: def.file, sha256: def.sha256, source: def.source }, 'model');
    const spec: ExtractorSpec = {
      inputSize: def.input_size,
      normalization: def.normalization,
      preprocessing: def.preprocessing,
      names: { pool: def.outputs.pool, spatial: def.outputs.spatial, logits: def.outputs.logits },
    };
    return FeatureExtractor.fromModel(await readFile(path), spec, ep, path, options);
  }

  /** Opens an extractor graph given as bytes; checks that it has the tensors `spec` names. */
  static async fromModel(
    model: Uint8Array,
    spec: ExtractorSpec,
    ep: ExecutionProvider = 'cpu',
    label = 'the feature extractor',
    options: Omit<OpenExtractorOptions, 'modelsDir'> = {},
  ): Promise<FeatureExtractor> {
    const threads = options.threads ?? availableParallelism();
    let opened;
    try {
      opened = await openSession(model, ep, threads);
    } catch (err) {
      if (err instanceof ModelFailure) throw new ExtractorError(`${label}: ${err.message}`, { cause: err });
      throw err;
    }
    const { session } = opened;
    try {
      const inputs = session.inputNames;
      const images = spec.names.images ?? (inputs.length === 1 ? inputs[0]! : undefined);
      if (images === undefined) {
        throw new ExtractorError(`${label} has ${inputs.length} inputs (${inputs.join(', ')}); name the image input`);
      }
      // onnxruntime ignores unknown feed names silently, so check them here.
      if (!inputs.includes(images)) throw new ExtractorError(`${label} has no input "${images}" (its inputs: ${inputs.join(', ')})`);
      for (const [role, name] of Object.entries(spec.names)) {
        if (role === 'images' || name === undefined) continue;
        if (!session.outputNames.includes(name)) {
          throw new ExtractorError(`${label} has no output "${name}" for ${role} (its outputs: ${session.outputNames.join(', ')})`);
        }
      }
      return new FeatureExtractor(
        session,
        model,
        { ...spec, names: { ...spec.names, images } },
        opened.executionProvider,
        opened.warnings,
        {
          threads,
          preprocessIn: options.preprocessIn ?? 'graph',
          label,
        },
      );
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  get inputSize(): number {
    return this.spec.inputSize;
  }

  /** Features of `count` uint8 NHWC images of `size × size × 3`, resized by the protocol when needed. */
  async extract(images: Uint8Array, count: number, size: number): Promise<FeatureBatch> {
    const { inputSize, normalization, preprocessing, names } = this.spec;
    if (size !== inputSize && !preprocessing) {
      throw new ExtractorError(
        `images are ${size}×${size} but the extractor takes ${inputSize}×${inputSize}, and no resize protocol is configured for it`,
      );
    }
    const fetches = [names.pool, names.spatial, names.logits].filter((x): x is string => !!x);
    let out: ort.InferenceSession.ReturnType;
    try {
      const inGraph = this.options.preprocessIn === 'graph' && (size === inputSize || preprocessing === 'tf1-bilinear');
      if (inGraph) {
        const session = await this.combinedSession(size);
        out = await session.run(
          { [UINT8_IMAGES]: new ort.Tensor('uint8', images.subarray(0, count * size * size * 3), [count, size, size, 3]) },
          fetches,
        );
      } else {
        const input =
          size === inputSize
            ? normalizeNhwc(images, count, size, normalization)
            : preprocess(images, count, size, preprocessing!, inputSize, normalization);
        out = await (
          await this.baseSession()
        ).run({ [names.images]: new ort.Tensor('float32', input, [count, 3, inputSize, inputSize]) }, fetches);
      }
    } catch (err) {
      if (err instanceof ExtractorError) throw err;
      const reason = onnxErrorText(err);
      throw new ExtractorError(`the extractor failed on a batch of ${count} images of ${inputSize}×${inputSize}: ${reason}`, {
        cause: err,
        kind: 'infrastructure',
      });
    }
    const pool = rows(out[names.pool], count, 'pool');
    const batch: FeatureBatch = { count, pool: pool.data, poolDim: pool.dim };
    if (names.spatial && out[names.spatial]) {
      const s = out[names.spatial]!;
      if (s.dims.length !== 4 || s.dims[0] !== count) {
        throw new ExtractorError(`the extractor's spatial output must be [${count}, C, h, w], got [${s.dims.join(', ')}]`);
      }
      const [, c, h, w] = s.dims as number[];
      batch.spatial = admSpatialFeatures(floats(s, 'spatial'), count, c!, h!, w!);
      batch.spatialDim = Math.min(7, c!) * h! * w!;
    }
    if (names.logits && out[names.logits]) {
      const l = rows(out[names.logits], count, 'logits');
      batch.logits = l.data;
      batch.logitsDim = l.dim;
    }
    return batch;
  }

  /**
   * The extractor with the preprocessing of `size`-pixel images in front, opened once per size. The session
   * that takes float32 is released then (it is reopened only if another size needs JavaScript resizing), so
   * the weights are held once.
   */
  private combinedSession(size: number): Promise<ort.InferenceSession> {
    let opening = this.combined.get(size);
    if (!opening) {
      const { inputSize, normalization, names } = this.spec;
      const prefix = buildPreprocessingGraph(
        {
          srcSize: size,
          targetSize: inputSize,
          resize: size === inputSize ? 'none' : 'tf1-bilinear',
          normalization,
          exact: this.executionProvider === 'cpu',
        },
        names.images,
      );
      opening = (async () => {
        const combined = prependPreprocessing(this.model, prefix, names.images);
        let opened;
        try {
          opened = await openSession(combined, this.executionProvider, this.options.threads);
        } catch (err) {
          throw new ExtractorError(`${this.options.label} with its preprocessing in front: ${(err as Error).message}`, { cause: err });
        }
        const base = this.session;
        this.session = undefined;
        await base?.release();
        return opened.session;
      })();
      this.combined.set(size, opening);
      opening.catch(() => this.combined.delete(size));
    }
    return opening;
  }

  private async baseSession(): Promise<ort.InferenceSession> {
    this.session ??= (await openSession(this.model, this.executionProvider, this.options.threads)).session;
    return this.session;
  }

  async close(): Promise<void> {
    const sessions = await Promise.allSettled(this.combined.values());
    this.combined.clear();
    for (const s of sessions) if (s.status === 'fulfilled') await s.value.release();
    await this.session?.release();
    this.session = undefined;
  }
}

function floats(t: ort.Tensor, role: string): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new ExtractorError(`the extractor's ${role} output is ${t.type}, not float32`);
  return t.data;
}

// [n, d] or [n, d, 1, 1] (a pooled map, as Inception's pool_3 is) → n rows of d.
function rows(t: ort.Tensor | undefined, count: number, role: string): { data: Float32Array; dim: number } {
  if (!t) throw new ExtractorError(`the extractor returned no ${role} output`);
  const data = floats(t, role);
  if (t.dims[0] !== count || data.length % count !== 0) {
    throw new ExtractorError(`the extractor's ${role} output has shape [${t.dims.join(', ')}] for a batch of ${count}`);
  }
  return { data, dim: data.length / count };
}
