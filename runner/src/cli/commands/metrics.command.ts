// `genbench metrics`: every metric computable from a sample activations file and a reference file
// (activations, or ADM / pytorch-fid statistics), with the protocol choices made; CMMD and CLIP score when
// the files hold CLIP embeddings (`clip`, `clip_text`).

import type { Command } from 'commander';
import { computeMetrics, loadFeatureFile, type MetricsReport } from '../../metrics/activations.js';
import type { InceptionSplitMode } from '../../metrics/inception-score.js';
import { KernelUnavailableError } from '../../metrics/kernels/get-kernels.js';
import type { BackendChoice, DistancePrecision } from '../../metrics/kernels/kernels.js';
import { MetricInputError } from '../../metrics/metric-input-error.js';
import { METRICS, type MetricId } from '../../../../contracts/metrics/registry.js';
import { CliError } from '../cli-error.js';

export interface MetricsCommandOptions {
  samples: string;
  reference?: string;
  json?: boolean;
  isSplits?: string;
  prPrecision?: string;
  kidSeed?: string;
  backend?: string;
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`${flag} must be one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

function seed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n >= 2 ** 32)
    throw new CliError(`--kid-seed must be an integer in [0, 2^32), not '${value}'`);
  return n;
}

/** Computes the report; user errors (bad files, bad flags) become CliError. */
export async function runMetrics(opts: MetricsCommandOptions): Promise<MetricsReport> {
  const isSplitMode = choice<InceptionSplitMode>('--is-splits', opts.isSplits, ['adm-5000', 'torch-fidelity-10'], 'adm-5000');
  const distancePrecision = choice<DistancePrecision>('--pr-precision', opts.prPrecision, ['fp32', 'adm-fp16'], 'fp32');
  const backend = choice<BackendChoice>('--backend', opts.backend, ['auto', 'onnxruntime', 'js'], 'auto');
  const kidSeed = seed(opts.kidSeed);
  try {
    const samples = await loadFeatureFile(opts.samples);
    const reference = opts.reference ? await loadFeatureFile(opts.reference) : undefined;
    return await computeMetrics(samples, reference, { isSplitMode, distancePrecision, kidSeed, backend });
  } catch (err) {
    if (err instanceof MetricInputError || err instanceof KernelUnavailableError) throw new CliError(err.message, 2, { cause: err });
    throw err;
  }
}

function format(value: number): string {
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(6) : value.toExponential(6);
}

function table(report: MetricsReport): string {
  const lines: string[] = [];
  const width = Math.max(...METRICS.map((m) => m.id.length));
  for (const m of METRICS) {
    // A feature-file report never holds the segmentation metrics (miou, pixel_accuracy).
    const v = (report as Partial<Record<MetricId, number>>)[m.id];
    if (v !== undefined) lines.push(`${m.id.padEnd(width)}  ${format(v).padStart(14)}  ${m.higherIsBetter ? '↑' : '↓'}`);
  }
  for (const [id, why] of Object.entries(report.unavailable)) lines.push(`${id.padEnd(width)}  ${'—'.padStart(14)}  ${why}`);
  lines.push('', 'protocol:');
  for (const [key, value] of Object.entries(report.protocol)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('metrics')
    .description(
      'compute FID, sFID, Inception Score, precision/recall, KID, CMMD and CLIP score from activation, embedding or statistics files',
    )
    .requiredOption(
      '--samples <file>',
      'sample activations .npz (pool, spatial, logits; clip: L2-normalised CLIP image embeddings [N, D]; clip_text: the embedding of each sample prompt [N, D])',
    )
    .option(
      '--reference <file>',
      'reference activations or statistics .npz (mu, sigma, mu_s, sigma_s; clip); without it only the Inception Score and CLIP score',
    )
    .option('--json', 'print one JSON object on stdout')
    .option('--is-splits <mode>', 'Inception Score splits: adm-5000 or torch-fidelity-10', 'adm-5000')
    .option('--pr-precision <mode>', 'precision/recall distances: fp32 or adm-fp16', 'fp32')
    .option('--kid-seed <n>', 'seed of the KID subset draws (default 0)')
    .option('--backend <name>', 'kernels: auto, onnxruntime or js', 'auto')
    .action(async (opts: MetricsCommandOptions) => {
      const report = await runMetrics(opts);
      if (opts.json) {
        const { protocol, unavailable, ...metrics } = report;
        process.stdout.write(JSON.stringify({ ...metrics, protocol, unavailable }) + '\n');
      } else {
        process.stdout.write(table(report));
      }
    });
}
