import { cpus, hostname } from 'node:os';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { Manifest } from '../../manifest/manifest.schemas.js';
import { SuiteDefinition } from '../../suites/suite.schemas.js';
import { ApiRejection, type RunnerApiClient } from '../../worker/api-client.js';
import type { RunnerConfig } from '../../worker/runner-config.js';
import { runEvaluationInChild } from '../../worker/run-in-child.js';
import { EvaluateJob } from './evaluate.job.js';
import type { Provenance } from './runner-api.schemas.js';

export interface ProcessorDeps {
  api: RunnerApiClient;
  config: RunnerConfig;
  log: Logger;
  /** Aborted when the runner must stop now: the child is killed and the job released for retry. */
  shutdown?: AbortSignal;
}

/**
 * Processes one evaluation job: claim it from the API, fetch the artifact, run the suite in a child
 * process, post the result. A broken model ends the evaluation as failed (UnrecoverableError, no retry);
 * anything else is an infrastructure fault, thrown so BullMQ retries it — and recorded as the failure
 * reason once the attempts run out.
 */
export function createEvaluateProcessor(deps: ProcessorDeps) {
  const { api, config, log } = deps;
  return async (job: Job) => {
    const parsed = EvaluateJob.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`malformed job payload: ${parsed.error.message}`);
    const { evaluationId } = parsed.data;
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    try {
      let claim;
      try {
        claim = await api.claim(evaluationId, config.runnerId);
      } catch (err) {
        if (err instanceof ApiRejection && (err.status === 409 || err.status === 404)) {
          log.info({ evaluationId }, `nothing to do: ${err.message}`);
          return { skipped: err.message };
        }
        throw err;
      }
      const manifest = Manifest.safeParse(claim.manifest);
      const suite = SuiteDefinition.safeParse(claim.suite.definition);
      if (!manifest.success || !suite.success) {
        const reason = !manifest.success
          ? `stored manifest no longer validates: ${manifest.error.message}`
          : `suite definition does not validate: ${suite.error!.message}`;
        await api.failure(evaluationId, { attempt, kind: 'infrastructure', reason });
        throw new UnrecoverableError(reason);
      }
      const provenanceBase = {
        runnerId: config.runnerId,
        node: process.version,
        seed: suite.data.seed,
        suite: { id: claim.suite.id, version: claim.suite.version },
      };
      const artifactPath = await api.artifact(claim.artifact.sha256, config.cacheDir);
      const extraArtifactPaths: Record<string, string> = {};
      for (const extra of claim.extraArtifacts ?? []) extraArtifactPaths[extra.role] = await api.artifact(extra.sha256, config.cacheDir);
      log.info({ evaluationId, model: claim.model.name, suite: claim.suite.id, attempt }, 'evaluation started');
      let lastPost = 0;
      // Cancelled by an admin: the API stops accepting progress, and the child is stopped.
      const cancelled = new AbortController();
      const outcome = await runEvaluationInChild(
        {
          artifactPath,
          extraArtifactPaths,
          manifest: manifest.data,
          suite: suite.data,
          executionProvider: config.executionProvider,
          noiseThreads: config.noiseThreads,
        },
        {
          timeoutMs: Math.min(suite.data.time_limit_s * 1000, config.evalTimeoutMs),
          memoryLimitBytes: config.childMemoryLimitBytes,
          signal: deps.shutdown ? AbortSignal.any([deps.shutdown, cancelled.signal]) : cancelled.signal,
          onProgress: (fraction) => {
            job.updateProgress(Math.round(fraction * 100)).catch(() => undefined); // the API holds the truth; Redis progress is a hint
            const now = Date.now();
            if (now - lastPost >= 1000 || fraction >= 1) {
              lastPost = now;
              api
                .progress(evaluationId, fraction)
                .then((accepted) => {
                  if (!accepted) cancelled.abort();
                })
                .catch((err) => log.warn({ evaluationId, err: (err as Error).message }, 'progress not delivered'));
            }
          },
        },
      );
      if (cancelled.signal.aborted) {
        log.info({ evaluationId }, 'evaluation stopped: it is no longer running on the server (cancelled)');
        return { cancelled: true };
      }
      if (outcome.kind === 'model-failure') {
        log.info({ evaluationId, reason: outcome.reason }, 'evaluation failed: model');
        await api.failure(evaluationId, { attempt, kind: 'model', reason: outcome.reason, provenance: provenanceBase });
        throw new UnrecoverableError(outcome.reason);
      }
      if (outcome.kind === 'infrastructure') throw new Error(outcome.message);
      const o = outcome.output;
      for (const warning of o.warnings)
        log.warn({ evaluationId, requestedProvider: config.executionProvider, executionProvider: o.executionProvider }, warning);
      if (outcome.sampleGrid) {
        // Before the result, so a succeeded evaluation already shows its grid; a lost grid never fails it.
        await api
          .sampleGrid(evaluationId, outcome.sampleGrid)
          .catch((err) => log.warn({ evaluationId, err: (err as Error).message }, 'sample grid not delivered'));
      }
      const provenance: Provenance = {
        ...provenanceBase,
        runnerVersion: o.runnerVersion,
        onnxruntimeVersion: o.onnxruntimeVersion,
        executionProvider: o.executionProvider,
        hardware: o.hardware || `${hostname()} ${cpus()[0]?.model ?? ''}`,
        protocol: o.protocol,
        durationsMs: o.durationsMs,
        ...(o.warnings.length ? { warnings: o.warnings } : {}),
      };
      let stored;
      try {
        stored = await api.result(evaluationId, {
          attempt,
          metrics: o.metrics.map((m) => ({
            id: m.id,
            value: m.value,
            ...(m.interval ? { intervalLow: m.interval[0], intervalHigh: m.interval[1] } : {}),
          })),
          provenance,
        });
      } catch (err) {
        if (err instanceof ApiRejection && err.status === 409) {
          log.info({ evaluationId, err: err.message }, 'result discarded by the server');
          return { discarded: err.message };
        }
        throw err;
      }
      log.info({ evaluationId, metrics: o.metrics, outcome: stored.outcome }, 'evaluation succeeded');
      return { metrics: o.metrics };
    } catch (err) {
      if (err instanceof UnrecoverableError) throw err;
      if (lastAttempt && !deps.shutdown?.aborted) {
        await api
          .failure(evaluationId, {
            attempt,
            kind: 'infrastructure',
            reason: `gave up after ${attempt} attempts: ${(err as Error).message}`,
          })
          .catch((e) => log.error({ evaluationId, err: (e as Error).message }, 'could not record the failure'));
      }
      throw err;
    }
  };
}
