import { cpus, hostname } from 'node:os';
import { onnxruntimeVersion } from '../evaluation/onnx-session.js';
import type { Provenance } from '../../../contracts/jobs/runner-api.schemas.js';
import type { EvaluationOutput, TaskResult } from './task-family.js';

/** The runner's own version, recorded with every result. */
export const RUNNER_VERSION = '0.1.0';

/** A task family's result with the facts of the process that computed it: the one place they are added. */
export function withRuntimeFacts(result: TaskResult): EvaluationOutput {
  return {
    ...result,
    onnxruntimeVersion: onnxruntimeVersion(),
    runnerVersion: RUNNER_VERSION,
    hardware: `${cpus()[0]?.model ?? 'unknown cpu'} ×${cpus().length}`,
  };
}

/** What the runner knows of an evaluation before it runs: who runs it, on which suite version, with which seed. */
export interface ProvenanceBase {
  runnerId: string;
  seed: number;
  suite: { id: string; version: number };
}

/**
 * The provenance posted with a result (`output` given) or with a failure (without: only what was known
 * before the evaluation ran). The one builder of both.
 */
export function buildProvenance(base: ProvenanceBase, output: EvaluationOutput): Provenance;
export function buildProvenance(base: ProvenanceBase): Partial<Provenance>;
export function buildProvenance(base: ProvenanceBase, output?: EvaluationOutput): Partial<Provenance> {
  const known = { runnerId: base.runnerId, node: process.version, seed: base.seed, suite: base.suite };
  if (!output) return known;
  return {
    ...known,
    runnerVersion: output.runnerVersion,
    onnxruntimeVersion: output.onnxruntimeVersion,
    executionProvider: output.executionProvider,
    hardware: output.hardware || `${hostname()} ${cpus()[0]?.model ?? ''}`,
    protocol: output.protocol,
    durationsMs: output.durationsMs,
    ...(output.warnings.length ? { warnings: output.warnings } : {}),
  };
}
