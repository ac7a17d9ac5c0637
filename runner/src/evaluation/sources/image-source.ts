import { readFile } from 'node:fs/promises';
import type { Manifest } from '../../../../contracts/manifest/manifest.schemas.js';
import type { GenerationSuiteDefinition } from '../../../../contracts/suites/suite.schemas.js';
import { ModelFailure } from '../model-failure.js';
import { type ExecutionProvider, openSession } from '../onnx-session.js';
import { DenoiserSource, OnnxDenoiser } from './denoiser-source.js';
import { generatorBatches } from './generator-source.js';
import type { ImageBatch } from './image-batch.js';
import { NoisePool } from '../../sampling/noise-pool.js';
import { ClassifierGradientModel } from './classifier-gradient.js';
import { LatentDecoder } from './latent-decoder.js';
import { SamplesSource } from './samples-source.js';
import { denoiserImageShape } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';

/** The samples half of a generation suite, whatever kind of submission produces them. */
export interface ImageSource {
  batches(): AsyncGenerator<ImageBatch>;
  /** Protocol choices the source made (sampler, NFE, …); complete once the batches have been consumed. */
  protocol(): Record<string, unknown>;
  /** Where the submitted model ran; undefined when nothing was run (an uploaded sample batch). */
  executionProvider?: ExecutionProvider;
  warnings: string[];
  close(): Promise<void>;
}

export interface ImageSourceInput {
  /** The submitted ONNX model (generator, denoiser). */
  model?: Uint8Array;
  /** The submitted file on disk: required for sample batches, which are streamed from it. */
  modelPath?: string;
  /** The decoder ONNX of a latent denoiser. */
  decoder?: Uint8Array;
  /** The classifier ONNX of a classifier-guided denoiser (manifest `classifier`). */
  classifier?: Uint8Array;
  manifest: Manifest;
  suite: GenerationSuiteDefinition;
  executionProvider: ExecutionProvider;
  /** Threads drawing a stochastic sampler's noise (noise-pool.ts); 0 or absent: the main thread draws it. */
  noiseThreads?: number;
  /** Samples done so far, possibly fractional, reported within batches (denoisers: after every step). */
  onSamplesDone?: (done: number) => void;
  /**
   * Samples [start, end) only, for a shard of a sharded evaluation (runner/src/sharding); start a multiple of
   * the suite's batch size, so every batch holds the samples it holds unsharded. Absent: all of them.
   */
  range?: { start: number; end: number };
  /** Wall time of each latent decoding call, in ms (stage-clock.ts books it as `decoding`, not `sampling`). */
  onDecoded?: (ms: number) => void;
}

async function modelBytes(input: ImageSourceInput): Promise<Uint8Array> {
  if (input.model && input.model.length > 0) return input.model;
  if (input.modelPath) return readFile(input.modelPath);
  throw new Error('no model bytes or path given');
}

/** Opens the source for the manifest's kind: one entry per kind of generation submission. */
export async function openImageSource(input: ImageSourceInput): Promise<ImageSource> {
  const { manifest, suite, executionProvider } = input;
  const range = input.range ?? { start: 0, end: suite.samples };
  if (range.start % suite.batch_size !== 0 || !(range.start < range.end && range.end <= suite.samples))
    throw new Error(`samples [${range.start}, ${range.end}) are not a shard of whole batches of suite ${suite.id}`);
  const size = { n: range.end, from: range.start, seed: suite.seed, batchSize: suite.batch_size };
  switch (manifest.kind) {
    case 'generator': {
      const opened = await openSession(await modelBytes(input), executionProvider);
      return {
        batches: () => generatorBatches(opened.session, manifest, size),
        protocol: () => ({}),
        executionProvider: opened.executionProvider,
        warnings: opened.warnings,
        close: () => opened.session.release(),
      };
    }
    case 'denoiser': {
      if (!suite.sampler) throw new ModelFailure(`suite ${suite.id} declares no sampler, so it cannot score denoisers`);
      if (manifest.latent && !input.decoder)
        throw new ModelFailure('the manifest declares a latent space but the submission has no decoder');
      if (manifest.classifier && suite.sampler.classifier_scale !== undefined && !input.classifier)
        throw new ModelFailure('the manifest declares a classifier but the submission has no classifier file');
      const opened = await openSession(await modelBytes(input), executionProvider);
      let decoder: LatentDecoder | undefined;
      let classifier: ClassifierGradientModel | undefined;
      // A stochastic sampler draws fresh noise every step: off the main thread, while the network runs.
      const stochastic = suite.sampler.eta > 0 || suite.sampler.solver === 'ddpm';
      const noise = stochastic && (input.noiseThreads ?? 0) > 0 ? NoisePool.create(input.noiseThreads!) : undefined;
      const close = async () => {
        await opened.session.release();
        await decoder?.close();
        await classifier?.close();
        await noise?.close();
      };
      try {
        decoder = manifest.latent
          ? await LatentDecoder.open(input.decoder!, manifest.latent, denoiserImageShape(manifest), executionProvider)
          : undefined;
        if (decoder && input.onDecoded) {
          const decode = decoder.decode.bind(decoder);
          const report = input.onDecoded;
          decoder.decode = async (...args) => {
            const t0 = performance.now();
            try {
              return await decode(...args);
            } finally {
              report(performance.now() - t0);
            }
          };
        }
        // Opened only where the suite guides with it: a classifier-guided submission is scored unguided elsewhere.
        classifier =
          manifest.classifier && suite.sampler.classifier_scale !== undefined
            ? await ClassifierGradientModel.open(input.classifier!, manifest, executionProvider)
            : undefined;
        const source = new DenoiserSource(new OnnxDenoiser(opened.session, manifest), manifest, {
          ...size,
          sampler: suite.sampler,
          decoder,
          classifier,
          noise,
          onSamplesDone: input.onSamplesDone,
        });
        return {
          batches: () => source.batches(),
          protocol: () => ({ sampler: source.protocol() }),
          executionProvider: opened.executionProvider,
          warnings: [...opened.warnings, ...(decoder?.warnings ?? []), ...(classifier?.warnings ?? [])],
          close,
        };
      } catch (err) {
        await close();
        throw err;
      }
    }
    case 'samples': {
      if (!input.modelPath) throw new Error('sample batches are read from a file: pass modelPath');
      // An uploaded batch is read, not sampled: nothing to spread over runners.
      if (input.range) throw new Error('sample batches are scored unsharded');
      const source = await SamplesSource.open(input.modelPath, manifest, { n: suite.samples, batchSize: suite.batch_size });
      return {
        batches: () => source.batches(),
        protocol: () => ({ sampleBatch: source.protocol() }),
        warnings: [],
        close: () => source.close(),
      };
    }
    default:
      throw new ModelFailure(`${(manifest as { kind: string }).kind} models are not scored by generation suites`);
  }
}
