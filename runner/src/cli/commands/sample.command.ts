import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { openSession } from '../../evaluation/onnx-session.js';
import { ClassifierGradientModel } from '../../evaluation/sources/classifier-gradient.js';
import { DenoiserSource, OnnxDenoiser } from '../../evaluation/sources/denoiser-source.js';
import { generatorBatches } from '../../evaluation/sources/generator-source.js';
import type { ImageBatch } from '../../evaluation/sources/image-batch.js';
import { LatentDecoder } from '../../evaluation/sources/latent-decoder.js';
import { inspectModel } from '../../inspect/inspect-model.js';
import { ArrayFileError, NpzWriter } from '../../io/npz.js';
import type { DenoiserManifest } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import { type Manifest, ManifestError, parseManifest } from '../../../../contracts/manifest/manifest.schemas.js';
import { SamplingConfigError } from '../../../../contracts/sampling/errors.js';
import { SamplerParams, type Solver, Variance } from '../../../../contracts/sampling/sampler-plan.js';
import { CliError } from '../cli-error.js';
import { NoisePool, defaultNoiseThreads } from '../../sampling/noise-pool.js';
import { samplerMismatch } from '../../../../contracts/suites/suite-fit.js';
import { parseProvider } from '../../evaluation/execution-provider.js';
import { denoiserImageShape } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';

/**
 * CLI solver names → the sampling core's. `flow-euler` is the core's Euler solver on the linear-interpolant
 * schedule (rectified flow / flow matching), where it runs in the flow frame on uniform t. `ddpm` is ADM's
 * ancestral sampler (guided-diffusion's `p_sample`), which reads learned variances.
 */
export const CLI_SOLVERS = ['ddim', 'ddpm', 'euler', 'heun', 'dpmpp-2m', 'flow-euler'] as const;

export function coreSolver(name: string, manifest: Manifest): Solver {
  if (!(CLI_SOLVERS as readonly string[]).includes(name))
    throw new CliError(`--solver must be one of ${CLI_SOLVERS.join(', ')}, not "${name}"`);
  if (name !== 'flow-euler') return name as Solver;
  if (manifest.kind !== 'denoiser' || manifest.schedule.kind !== 'linear-interpolant') {
    throw new CliError('flow-euler is the Euler solver on a linear-interpolant schedule; this model declares another schedule: use euler');
  }
  return 'euler';
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${name} must be an integer ≥ ${min}, not "${value}"`);
    return n;
  };
}

function number(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new CliError(`${name} must be a number, not "${value}"`);
    return n;
  };
}

interface SampleOptions {
  model: string;
  manifest: string;
  n: number;
  seed: number;
  solver: string;
  steps: number;
  guidance: number;
  eta: number;
  class?: number;
  decoder?: string;
  respacing?: string;
  variance?: string;
  classifier?: string;
  classifierScale?: number;
  clipDenoised?: boolean;
  batchSize: number;
  ep: string;
  out: string;
}

/**
 * Why these flags cannot sample this model, in the flags' own terms (there is no suite here: the sampling
 * core's wording speaks of "this suite's sampler").
 */
function samplerRefusal(opts: SampleOptions, manifest: DenoiserManifest, why: string): string {
  if (opts.guidance !== 1 && manifest.classes === 0)
    return `--guidance ${opts.guidance} asks for classifier-free guidance, which needs a class-conditional model; ${manifest.name} is unconditional (classes 0 in ${opts.manifest}): leave --guidance at 1`;
  if (opts.guidance !== 1 && manifest.null_class === undefined)
    return `--guidance ${opts.guidance} asks for classifier-free guidance, which needs the manifest to declare null_class (the label the model reads as "no class"); ${opts.manifest} has none: add it, or leave --guidance at 1`;
  return `cannot sample ${manifest.name} with --solver ${opts.solver} --steps ${opts.steps}${opts.eta ? ` --eta ${opts.eta}` : ''}: ${why}`;
}

/**
 * `genbench sample`: draws an ADM-style sample batch (`arr_0` uint8 NHWC, `arr_1` int64 labels for
 * class-conditional models) through the very sources a runner uses, streamed to the .npz with NpzWriter.
 */
export function register(program: Command): void {
  program
    .command('sample')
    .description('sample a denoiser (or generator) with fixed seeds and write an ADM-style .npz sample batch')
    .requiredOption('--model <file>', 'ONNX model (denoiser or generator)')
    .requiredOption('--manifest <file>', 'manifest JSON')
    .requiredOption('--n <count>', 'number of samples', integer('--n', 1))
    .requiredOption('--out <file>', 'output .npz')
    .option('--seed <seed>', 'seed: sample i depends only on (seed, i)', integer('--seed', 0), 0)
    .option('--solver <name>', `denoisers: ${CLI_SOLVERS.join(', ')}`, 'dpmpp-2m')
    .option('--steps <k>', 'denoisers: solver steps', integer('--steps', 1), 20)
    .option('--guidance <w>', 'denoisers: classifier-free guidance scale (1 = none; needs null_class)', number('--guidance'), 1)
    .option('--eta <e>', 'denoisers: DDIM η (0 deterministic, 1 ancestral)', number('--eta'), 0)
    .option(
      '--class <c>',
      'class-conditional denoisers: give every sample this label (default: labels drawn from the seed)',
      integer('--class', 0),
    )
    .option('--decoder <file>', 'decoder ONNX of a latent denoiser')
    .option(
      '--respacing <r>',
      'denoisers: guided-diffusion\'s --timestep_respacing ("250", "10,15,20", "ddim25") instead of the solver\'s spacing',
    )
    .option('--variance <v>', `ddpm: ${Variance.options.join(', ')} (default: learned-range where the manifest declares it)`)
    .option('--classifier <file>', 'classifier-gradient ONNX of a classifier-guided denoiser (manifest "classifier"): guides ddpm and ddim')
    .option(
      '--classifier-scale <s>',
      "classifier guidance scale (ADM's --classifier_scale; default 1 with --classifier)",
      number('--classifier-scale'),
    )
    .option('--clip-denoised', "ddpm and ddim: clip x̂0 to [-1, 1] (ADM's clip_denoised)")
    .option('--batch-size <b>', 'samples per network call (does not change the images)', integer('--batch-size', 1), 64)
    .option(
      '--ep <provider>',
      'execution provider: auto (CUDA where installed, else CPU), cpu, webgpu or cuda',
      process.env.GENBENCH_EP ?? 'auto',
    )
    .action(async (opts: SampleOptions) => {
      const provider = parseProvider(opts.ep);
      if (!provider) throw new CliError(`--ep must be auto, cpu, webgpu or cuda, not "${opts.ep}"`);
      const ep = provider;
      let manifest: Manifest;
      try {
        manifest = parseManifest((await readInput(opts.manifest, 'manifest')).toString('utf8'));
      } catch (err) {
        if (err instanceof ManifestError) throw new CliError(`${opts.manifest}: ${err.message}`);
        throw err;
      }
      if (manifest.kind !== 'denoiser' && manifest.kind !== 'generator') {
        throw new CliError(`genbench sample draws from denoisers and generators; a "${manifest.kind}" manifest has nothing to sample`);
      }
      const model = await readInput(opts.model, 'model');
      const decoderBytes = opts.decoder ? await readInput(opts.decoder, 'decoder') : undefined;
      if (opts.classifierScale !== undefined && !opts.classifier)
        throw new CliError('--classifier-scale guides with a classifier: pass its gradient graph with --classifier');
      if (opts.classifier && manifest.kind === 'denoiser' && !manifest.classifier)
        throw new CliError(
          `--classifier needs the manifest to declare its tensors ("classifier": {"inputs": {"x", "t", "class"}, "outputs": {"gradient"}}); ${opts.manifest} declares none`,
        );
      if (opts.classifier && manifest.kind !== 'denoiser')
        throw new CliError('--classifier guides denoisers; a generator is sampled in one step');
      const classifierBytes = opts.classifier ? await readInput(opts.classifier, 'classifier') : undefined;
      if (manifest.kind === 'denoiser' && manifest.classifier && !classifierBytes)
        throw new CliError(`${opts.manifest} declares a classifier: pass its gradient graph with --classifier`);
      const report = await inspectModel(model, manifest, { decoder: decoderBytes, classifier: classifierBytes });
      if (!report.ok) {
        const file =
          report.field === 'decoder'
            ? (opts.decoder ?? 'decoder')
            : report.field?.startsWith('classifier')
              ? (opts.classifier ?? 'classifier')
              : opts.model;
        throw new CliError(`${file}: ${report.problem}`);
      }

      const opened = await openSession(model, ep);
      let decoder: LatentDecoder | undefined;
      const closers: Array<() => Promise<void>> = [() => opened.session.release()];
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: `sampling {bar} {percentage}% | {value}/{total} samples | {duration}s`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      let writer: NpzWriter | undefined;
      try {
        let batches: AsyncGenerator<ImageBatch>;
        let summary: () => string;
        if (manifest.kind === 'denoiser') {
          const parsed = SamplerParams.safeParse({
            solver: coreSolver(opts.solver, manifest),
            steps: opts.steps,
            guidance: opts.guidance,
            eta: opts.eta,
            ...(opts.respacing !== undefined ? { respacing: opts.respacing } : {}),
            ...(opts.variance !== undefined ? { variance: opts.variance } : {}),
            ...(opts.classifier ? { classifier_scale: opts.classifierScale ?? 1 } : {}),
            ...(opts.clipDenoised ? { clip_denoised: true } : {}),
          });
          if (!parsed.success)
            throw new CliError(
              `invalid sampler settings: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'sampler'}: ${i.message}`).join('; ')}`,
            );
          const network = new OnnxDenoiser(opened.session, manifest);
          const why = samplerMismatch(manifest, parsed.data, network.timeType);
          if (why) throw new CliError(samplerRefusal(opts, manifest, why));
          if (manifest.latent) {
            if (!decoderBytes) throw new CliError('this manifest declares a latent space: pass its decoder with --decoder');
            decoder = await LatentDecoder.open(decoderBytes, manifest.latent, denoiserImageShape(manifest), ep);
            closers.push(() => decoder!.close());
          }
          let classifier: ClassifierGradientModel | undefined;
          if (classifierBytes) {
            classifier = await ClassifierGradientModel.open(classifierBytes, manifest, ep);
            closers.push(() => classifier!.close());
          }
          const threads = defaultNoiseThreads();
          const stochastic = parsed.data.eta > 0 || parsed.data.solver === 'ddpm';
          const noise = stochastic && threads > 0 ? NoisePool.create(threads) : undefined;
          if (noise) closers.push(() => noise.close());
          const source = new DenoiserSource(network, manifest, {
            noise,
            n: opts.n,
            seed: opts.seed,
            batchSize: opts.batchSize,
            sampler: parsed.data,
            decoder,
            classifier,
            fixedClass: opts.class,
            onSamplesDone: (done) => bar.update(Math.floor(done)),
          });
          batches = source.batches();
          summary = () => {
            const p = source.protocol();
            const extras = [
              p.respacing !== undefined ? `respacing "${p.respacing}"` : '',
              p.variance ? `${p.variance} variance` : '',
              p.classifierScale !== undefined ? `classifier scale ${p.classifierScale}` : '',
              p.classifierFreeGuidance ? `guidance ${p.guidance}` : '',
            ].filter(Boolean);
            return `${opts.solver}, ${p.steps} steps, ${p.nfe} NFE${extras.map((e) => `, ${e}`).join('')}`;
          };
        } else {
          if (opts.class !== undefined) throw new CliError('--class applies to class-conditional denoisers');
          if (opts.guidance !== 1)
            throw new CliError('--guidance applies to class-conditional denoisers; a generator is sampled in one step');
          batches = generatorBatches(opened.session, manifest, { n: opts.n, seed: opts.seed, batchSize: opts.batchSize });
          summary = () => 'one-step generator';
        }
        for (const w of [...opened.warnings, ...(decoder?.warnings ?? [])]) process.stderr.write(`warning: ${w}\n`);

        const R = manifest.resolution;
        const labels = manifest.classes > 0 ? new BigInt64Array(opts.n) : undefined;
        writer = await NpzWriter.create(opts.out);
        await writer.begin('arr_0', 'uint8', [opts.n, R, R, 3]);
        bar.start(opts.n, 0);
        for await (const batch of batches) {
          await writer.append(batch.images);
          if (labels && batch.labels) for (let k = 0; k < batch.count; k++) labels[batch.start + k] = BigInt(batch.labels[k]!);
          bar.update(batch.start + batch.count);
        }
        await writer.end();
        if (labels) await writer.add('arr_1', { dtype: 'int64', shape: [opts.n], data: labels });
        await writer.close();
        bar.stop();
        process.stderr.write(
          `wrote ${opts.n} samples of ${manifest.name} to ${opts.out} (seed ${opts.seed}, ${summary()}, ${opened.executionProvider})\n`,
        );
      } catch (err) {
        bar.stop();
        await writer?.abort();
        if (err instanceof ModelFailure) throw new CliError(`sampling failed: ${err.message}`, 1, { cause: err });
        if (err instanceof SamplingConfigError) throw new CliError(err.message, 2, { cause: err });
        if (err instanceof ArrayFileError) throw new CliError(err.message, 1, { cause: err });
        throw err;
      } finally {
        for (const close of closers) await close();
      }
    });
}
