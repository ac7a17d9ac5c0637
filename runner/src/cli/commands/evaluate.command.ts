import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { SUITES, findSuite } from '../../../../benchmarks/index.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { runEvaluation } from '../../evaluation/run-evaluation.js';
import { inspectModel } from '../../inspect/inspect-model.js';
import { ManifestError, parseManifest } from '../../manifest/manifest.schemas.js';
import { CliError } from '../cli-error.js';

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `genbench evaluate`: run a suite locally, with no server, exactly as a runner would. */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description('run a suite on a model locally (no server) and print its metrics')
    .requiredOption('--model <file>', 'ONNX model')
    .requiredOption('--manifest <file>', 'manifest JSON')
    .requiredOption('--suite <id>', `suite id (${SUITES.map((s) => s.id).join(', ')})`)
    .option('--ep <provider>', 'execution provider: cpu, webgpu or cuda', process.env.GENBENCH_EP ?? 'cpu')
    .option('--json', 'print one JSON object on stdout')
    .action(async (opts: { model: string; manifest: string; suite: string; ep: string; json?: boolean }) => {
      const suite = findSuite(opts.suite);
      if (!suite) throw new CliError(`unknown suite "${opts.suite}"; known suites: ${SUITES.map((s) => s.id).join(', ')}`);
      if (!['cpu', 'webgpu', 'cuda'].includes(opts.ep)) throw new CliError(`--ep must be cpu, webgpu or cuda, not "${opts.ep}"`);
      let manifest;
      try {
        manifest = parseManifest((await readInput(opts.manifest, 'manifest')).toString('utf8'));
      } catch (err) {
        if (err instanceof ManifestError) throw new CliError(`${opts.manifest}: ${err.message}`);
        throw err;
      }
      const model = await readInput(opts.model, 'model');
      const report = await inspectModel(model, manifest);
      if (!report.ok) throw new CliError(`${opts.model}: ${report.problem}`);

      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: `${suite.id} {bar} {percentage}% | {value}/{total} samples | {duration}s`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(suite.samples, 0);
      let out;
      try {
        out = await runEvaluation({
          model,
          manifest,
          suite,
          executionProvider: opts.ep as 'cpu' | 'webgpu' | 'cuda',
          onProgress: (f) => bar.update(Math.round(f * suite.samples)),
        });
      } catch (err) {
        if (err instanceof ModelFailure) throw new CliError(`evaluation failed: ${err.message}`, 1);
        throw err;
      } finally {
        bar.stop();
      }
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
      const metrics = Object.fromEntries(out.metrics.map((m) => [m.id, m.value]));
      if (opts.json) {
        process.stdout.write(
          JSON.stringify({
            suite: { id: suite.id, version: suite.version },
            model: manifest.name,
            metrics,
            protocol: out.protocol,
            provenance: { runnerVersion: out.runnerVersion, onnxruntimeVersion: out.onnxruntimeVersion, executionProvider: out.executionProvider, hardware: out.hardware, seed: suite.seed },
          }) + '\n',
        );
        return;
      }
      process.stdout.write(`${manifest.name} on ${suite.id} v${suite.version} (seed ${suite.seed}, ${out.executionProvider})\n`);
      for (const m of out.metrics) process.stdout.write(`  ${m.id.padEnd(16)} ${m.value.toPrecision(8)}\n`);
    });
}
