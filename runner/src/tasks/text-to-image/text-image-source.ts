import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { DenoiserManifest } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import type { GeneratorManifest } from '../../../../contracts/manifest/manifest.schemas.js';
import type { TextToImageSuiteDefinition } from '../../../../contracts/suites/text-to-image-suite.schemas.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { type ExecutionProvider, firstNonFinite, openSession, runModel } from '../../evaluation/onnx-session.js';
import { DenoiserSource, GuidanceRows, OnnxDenoiser } from '../../evaluation/sources/denoiser-source.js';
import type { ImageBatch } from '../../evaluation/sources/image-batch.js';
import type { ImageSource } from '../../evaluation/sources/image-source.js';
import { LatentDecoder } from '../../evaluation/sources/latent-decoder.js';
import { SamplesSource } from '../../evaluation/sources/samples-source.js';
import { batchNormals } from '../../sampling/noise.js';
import { toUint8Nhwc } from '../../sampling/quantize.js';
import { TextConditioning } from '../../text/text-conditioning.js';
import type { EvaluationInput } from '../task-family.js';
import { denoiserImageShape } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';

/**
 * The samples of a text-to-image suite, one per prompt in order, from the three kinds of submission: an
 * uploaded batch (exactly one image per prompt), a text-conditioned denoiser sampled by the harness (its
 * context from its own text encoder; classifier-free guidance with the empty prompt's encoding), or a
 * one-step text-conditioned generator (noise keyed by (seed, i) + context → image).
 */
export async function openTextImageSource(
  input: EvaluationInput,
  suite: TextToImageSuiteDefinition,
  prompts: readonly string[],
  onSamplesDone: (done: number) => void,
): Promise<ImageSource> {
  const { manifest } = input;
  const ep: ExecutionProvider = input.executionProvider ?? 'cpu';
  const n = prompts.length;
  switch (manifest.kind) {
    case 'samples': {
      if (!input.modelPath) throw new Error('sample batches are read from a file: pass modelPath');
      if (manifest.prompts !== undefined && manifest.prompts !== suite.id)
        throw new ModelFailure(`the sample batch answers the prompts of ${manifest.prompts}, not those of ${suite.id}`);
      const source = await SamplesSource.open(input.modelPath, manifest, { n, batchSize: suite.batch_size });
      const held = source.protocol().imagesInBatch as number;
      if (held !== n) {
        await source.close();
        throw new ModelFailure(
          `the sample batch holds ${held} images but ${suite.id} publishes ${n} prompts: image i must answer prompt i`,
        );
      }
      return {
        batches: () => source.batches(),
        protocol: () => ({ sampleBatch: source.protocol() }),
        warnings: [],
        close: () => source.close(),
      };
    }
    case 'denoiser':
    case 'generator': {
      if (!manifest.text_encoder || !manifest.inputs.context)
        throw new ModelFailure(`suite ${suite.id} scores text-conditioned models: the manifest declares no text_encoder`);
      const text = await TextConditioning.open(input.textEncoder, input.tokenizer, manifest.text_encoder, ep);
      const opened = await openSession(input.model.length > 0 ? input.model : await readFile(input.modelPath!), ep).catch(
        async (err: unknown) => {
          await text.close();
          throw err;
        },
      );
      let decoder: LatentDecoder | undefined;
      const close = async () => {
        await opened.session.release();
        await decoder?.close();
        await text.close();
      };
      try {
        text.checkFits(opened.session, manifest.inputs.context, manifest.kind);
        const warnings = [...opened.warnings, ...text.warnings];
        if (manifest.kind === 'generator') {
          return {
            batches: () => generatorBatches(opened.session, manifest, text, prompts, suite, onSamplesDone),
            protocol: () => ({ text: text.record() }),
            executionProvider: opened.executionProvider,
            warnings,
            close,
          };
        }
        return await textDenoiserSource(input, manifest, suite, prompts, text, opened.session, onSamplesDone, (d) => (decoder = d)).then(
          (s) => ({
            batches: () => s.batches(),
            protocol: () => ({ sampler: s.protocol(), text: text.record() }),
            executionProvider: opened.executionProvider,
            warnings: [...warnings, ...(decoder?.warnings ?? [])],
            close,
          }),
        );
      } catch (err) {
        await close();
        throw err;
      }
    }
    default:
      throw new ModelFailure(`${manifest.kind} models are not scored by text-to-image suites`);
  }
}

/**
 * A text-conditioned denoiser driven by the suite's sampler, sample i conditioned on prompt i, guidance
 * against the empty prompt's encoding. Images, or videos for a video denoiser (text-to-video suites use it).
 */
export async function textDenoiserSource(
  input: EvaluationInput,
  manifest: DenoiserManifest,
  suite: Pick<TextToImageSuiteDefinition, 'id' | 'seed' | 'batch_size' | 'sampler'>,
  prompts: readonly string[],
  text: TextConditioning,
  session: ort.InferenceSession,
  onSamplesDone: (done: number) => void,
  keepDecoder: (d: LatentDecoder) => void,
): Promise<DenoiserSource> {
  if (!suite.sampler) throw new ModelFailure(`suite ${suite.id} declares no sampler, so it cannot score denoisers`);
  if (manifest.latent && !input.decoder) throw new ModelFailure('the manifest declares a latent space but the submission has no decoder');
  const decoder = manifest.latent
    ? await LatentDecoder.open(input.decoder!, manifest.latent, denoiserImageShape(manifest), input.executionProvider ?? 'cpu')
    : undefined;
  if (decoder) keepDecoder(decoder);
  // The batch's prompts, then the empty prompt's encoding for guidance's unconditional rows.
  const contexts = new GuidanceRows(text.rowShape);
  return new DenoiserSource(new OnnxDenoiser(session, manifest, contexts.feed), manifest, {
    n: prompts.length,
    seed: suite.seed,
    batchSize: suite.batch_size,
    sampler: suite.sampler,
    decoder,
    onSamplesDone,
    condition: async (indices) => {
      const encoded = await text.encode(
        Array.from(indices, (i) => prompts[i]!),
        indices,
      );
      contexts.load(encoded, text.empty);
      return GuidanceRows.labels(indices.length);
    },
  });
}

async function* generatorBatches(
  session: ort.InferenceSession,
  manifest: GeneratorManifest,
  text: TextConditioning,
  prompts: readonly string[],
  suite: TextToImageSuiteDefinition,
  onSamplesDone: (done: number) => void,
): AsyncGenerator<ImageBatch> {
  const res = manifest.resolution;
  const n = prompts.length;
  for (let start = 0; start < n; start += suite.batch_size) {
    const count = Math.min(suite.batch_size, n - start);
    const indices = Array.from({ length: count }, (_, k) => start + k);
    const z = batchNormals(suite.seed, indices, manifest.noise_dim, 0);
    const context = await text.encode(
      indices.map((i) => prompts[i]!),
      indices,
    );
    const feeds: Record<string, ort.Tensor> = {
      [manifest.inputs.noise]: new ort.Tensor('float32', z, [count, manifest.noise_dim]),
      [manifest.inputs.context!]: new ort.Tensor('float32', context, [count, ...text.rowShape]),
    };
    const out = await runModel(session, feeds, [manifest.outputs.images], `generating samples ${start}–${start + count - 1}`);
    const t = out[manifest.outputs.images]!;
    const want = [count, 3, res, res] as const;
    if (t.type !== 'float32' || t.dims.length !== 4 || t.dims.some((d, i) => d !== want[i]))
      throw new ModelFailure(
        `for a batch of ${count} the output "${manifest.outputs.images}" was ${t.type} [${t.dims.join(', ')}], expected float32 [${want.join(', ')}]`,
      );
    const data = t.data as Float32Array;
    const bad = firstNonFinite(data);
    if (bad >= 0)
      throw new ModelFailure(
        `the model produced ${String(data[bad])} for sample ${start + Math.floor(bad / (3 * res * res))}; outputs must be finite`,
      );
    onSamplesDone(start + count);
    yield { start, count, resolution: res, images: toUint8Nhwc(data, want, manifest.output_range[0] === -1 ? '[-1,1]' : '[0,1]') };
  }
}
