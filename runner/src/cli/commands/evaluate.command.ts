import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { describeProgress, formatSeconds } from '../../evaluation/stage-clock.js';
import type { Command } from 'commander';
import { SUITES, findSuite } from '../../../../benchmarks/index.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { MissingAssetError } from '../../assets/assets.js';
import { DatasetError } from '../../datasets/dataset-error.js';
import { EvaluationFailure } from '../../evaluation/evaluation-failure.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { runEvaluation } from '../../tasks/evaluate.js';
import { inspectModel } from '../../inspect/inspect-model.js';
import { inspectSampleBatch } from '../../inspect/inspect-samples.js';
import { inspectTextConditionedModel } from '../../inspect/inspect-text-model.js';
import { inspectLatentDecoder } from '../../inspect/inspect-denoiser.js';
import { ManifestError, parseManifest } from '../../../../contracts/manifest/manifest.schemas.js';
import { CliError } from '../cli-error.js';
import { defaultNoiseThreads } from '../../sampling/noise-pool.js';
import { availability } from '../../suites/availability.js';
import { parseProvider } from '../../evaluation/execution-provider.js';

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `genbench evaluate`: run a suite locally, with no server, exactly as a runner would. */
type EvaluateOptions = {
  model: string;
  manifest: string;
  suite: string;
  decoder?: string;
  classifier?: string;
  textEncoder?: string;
  tokenizer?: string;
  ep: string;
  json?: boolean;
};

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('run a suite on a model locally (no server) and print its metrics')
    .requiredOption('--model <file>', 'ONNX model, or the .npz sample batch of a "samples" manifest')
    .requiredOption('--manifest <file>', 'manifest JSON')
    .requiredOption('--suite <id>', `suite id (${SUITES.map((s) => s.id).join(', ')})`)
    .option('--decoder <file>', 'decoder ONNX of a latent denoiser')
    .option('--classifier <file>', 'classifier-gradient ONNX of a classifier-guided denoiser (manifest "classifier")')
    .option('--text-encoder <file>', 'text encoder ONNX of a text-conditioned model (manifest "text_encoder")')
    .option('--tokenizer <file>', 'Hugging Face tokenizer.json of that text encoder')
    .option(
      '--ep <provider>',
      'execution provider: auto (CUDA where installed, else CPU), cpu, webgpu or cuda',
      process.env.GENBENCH_EP ?? 'auto',
    )
    .option('--json', 'print one JSON object on stdout')
    .action(async (opts: EvaluateOptions) => {
      const suite = findSuite(opts.suite);
      if (!suite) throw new CliError(`unknown suite "${opts.suite}"; known suites: ${SUITES.map((s) => s.id).join(', ')}`);
      const provider = parseProvider(opts.ep);
      if (!provider) throw new CliError(`--ep must be auto, cpu, webgpu or cuda, not "${opts.ep}"`);
      // Before reading the model: a suite whose files are not here fails the same way whatever the model.
      const assetDirs = loadAssetDirs(process.env);
      const here = await availability(suite, assetDirs);
      if (!here.available) throw new CliError(here.message);
      let manifest;
      try {
        manifest = parseManifest((await readInput(opts.manifest, 'manifest')).toString('utf8'));
      } catch (err) {
        if (err instanceof ManifestError) throw new CliError(`${opts.manifest}: ${err.message}`);
        throw err;
      }
      // A sample batch is streamed from its file and only its headers are checked; models are loaded whole.
      const model = manifest.kind === 'samples' ? new Uint8Array(0) : await readInput(opts.model, 'model');
      const decoder = opts.decoder ? await readInput(opts.decoder, 'decoder') : undefined;
      const classifier = opts.classifier ? await readInput(opts.classifier, 'classifier') : undefined;
      // A text-conditioned model (text-to-image, text-and-image) brings its text encoder and tokenizer, as on submission.
      const textSpec = 'text_encoder' in manifest ? manifest.text_encoder : undefined;
      if (textSpec && (!opts.textEncoder || !opts.tokenizer))
        throw new CliError(
          `${opts.manifest} declares a text_encoder: pass its ONNX with --text-encoder and its tokenizer.json with --tokenizer`,
        );
      if (!textSpec && (opts.textEncoder || opts.tokenizer))
        throw new CliError(`${opts.manifest} declares no text_encoder, so --text-encoder and --tokenizer have nothing to encode for`);
      const textEncoder = opts.textEncoder ? await readInput(opts.textEncoder, 'text encoder') : undefined;
      const tokenizer = opts.tokenizer ? await readInput(opts.tokenizer, 'tokenizer') : undefined;
      let report =
        manifest.kind === 'samples'
          ? await inspectSampleBatch(opts.model, manifest)
          : textSpec && manifest.kind !== 'extractor' && manifest.kind !== 'segmenter'
            ? await inspectTextConditionedModel(model, manifest, { textEncoder, tokenizer })
            : await inspectModel(model, manifest, { decoder, classifier });
      // A text-conditioned latent denoiser's decoder gets the dry run any latent denoiser's gets (as at submission).
      if (report.ok && textSpec && manifest.kind === 'denoiser' && manifest.latent) {
        const decoded = await inspectLatentDecoder(manifest, decoder);
        if (!decoded.ok) report = decoded;
      }
      if (!report.ok) {
        const file =
          report.field === 'decoder'
            ? (opts.decoder ?? 'decoder')
            : report.field?.startsWith('classifier')
              ? (opts.classifier ?? 'classifier')
              : report.field === 'text_encoder'
                ? opts.textEncoder!
                : report.field === 'tokenizer'
                  ? opts.tokenizer!
                  : opts.model;
        throw new CliError(`${file}: ${report.problem}`);
      }

      // Segmentation suites progress over their images (extractors under dataset-hungarian: fit, then assign).
      const [total, unit] = suite.task === 'zero-shot-segmentation' ? [suite.dataset.images, 'images'] : [suite.samples, 'samples'];
      const bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: `${suite.id} {bar} {percentage}% | {value}/{total} ${unit} | {duration}s | {stages}`,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { stages: '' });
      let out;
      try {
        out = await runEvaluation({
          model,
          modelPath: opts.model,
          decoder,
          classifier,
          textEncoder,
          tokenizer,
          manifest,
          suite,
          executionProvider: provider,
          noiseThreads: defaultNoiseThreads(),
          assetDirs,
          onProgress: (f) => bar.update(Math.round(f * total)),
          // Where the time goes, while it goes: the stage running, its rate and ETA, wall time per stage.
          onStage: (p) => bar.update(Math.round(p.done), { stages: describeProgress(p, unit) }),
        });
      } catch (err) {
        if (err instanceof ModelFailure) throw new CliError(`evaluation failed: ${err.message}`, 1);
        if (err instanceof DatasetError) throw new CliError(err.message, 2, { cause: err });
        // The suite cannot be scored as defined here (a malformed pinned file, an extractor lacking a tensor).
        if (err instanceof EvaluationFailure && err.kind === 'suite') throw new CliError(err.message, 2, { cause: err });
        // Present but not the right file (availability checks presence only).
        if (err instanceof MissingAssetError) throw new CliError(err.message, 2, { cause: err });
        throw err;
      } finally {
        bar.stop();
      }
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stderr.write(
        `time: ${Object.entries(out.durationsMs)
          .map(([k, v]) => `${k} ${formatSeconds(v / 1000)}`)
          .join(', ')}\n`,
      );
      const metrics = Object.fromEntries(out.metrics.map((m) => [m.id, m.value]));
      if (opts.json) {
        process.stdout.write(
          JSON.stringify({
            suite: { id: suite.id, version: suite.version },
            model: manifest.name,
            metrics,
            protocol: out.protocol,
            provenance: {
              runnerVersion: out.runnerVersion,
              onnxruntimeVersion: out.onnxruntimeVersion,
              executionProvider: out.executionProvider,
              hardware: out.hardware,
              seed: suite.seed,
              durationsMs: out.durationsMs,
            },
          }) + '\n',
        );
        return;
      }
      process.stdout.write(`${manifest.name} on ${suite.id} v${suite.version} (seed ${suite.seed}, ${out.executionProvider})\n`);
      for (const m of out.metrics) process.stdout.write(`  ${m.id.padEnd(16)} ${m.value.toPrecision(8)}\n`);
    });
}
