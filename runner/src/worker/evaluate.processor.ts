import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { ApiRejection, type RunnerApiClient } from './api-client.js';
import type { RunnerConfig } from './runner-config.js';
import { runEvaluationInChild } from './run-in-child.js';
import type { ChildFailure, ChildRequest } from './child-protocol.js';
import type { KeptSample } from '../evaluation/sample-set.js';
import { describeProgress } from '../evaluation/stage-clock.js';
import { EvaluateJob } from '../../../contracts/jobs/evaluate.job.js';
import { buildProvenance, type ProvenanceBase } from '../tasks/provenance.js';
import type { ClaimResponse, FailureKind, HeartbeatBody, MergeClaimResponse } from '../../../contracts/jobs/runner-api.schemas.js';
import { publicReason } from '../../../contracts/jobs/public-reason.js';

export interface ProcessorDeps {
  api: RunnerApiClient;
  config: RunnerConfig;
  log: Logger;
  /** Aborted when the runner must stop now: the child is killed and the job released for retry. */
  shutdown?: AbortSignal;
}

/**
 * A failure the evaluation child reported, rebuilt here with the child's own stack so the runner's log
 * (pino's `err` serializer) shows where it happened; the child's causes are logged beside it.
 */
export class EvaluationChildError extends Error {
  readonly kind: FailureKind;
  constructor(readonly failure: ChildFailure) {
    super(failure.reason);
    this.name = `EvaluationChildError(${failure.kind})`;
    this.kind = failure.kind;
    if (failure.stack) this.stack = failure.stack;
  }
}

/** How long a failed attempt waits for the API to take back its claim before BullMQ retries it anyway. */
const RELEASE_WAIT_MS = 5000;

/**
 * Processes one evaluation job: claim it from the API, fetch the artifact, run the suite in a child
 * process, post the result. Failures have a kind (runner-api.schemas.ts, FailureKind) that says who must
 * act: the model's (its author) and the suite's (an admin: a suite that cannot be scored, a stored
 * definition or manifest this runner no longer reads) end the evaluation at once (UnrecoverableError, no
 * retry); anything else is an infrastructure fault, thrown so BullMQ retries it — and recorded as the
 * failure reason once the attempts run out. The reason posted is the public one (publicReason); the log
 * keeps the full message, the stack and the causes.
 *
 * The claim is this runner's hold on the evaluation: it is renewed by a heartbeat every third of the lease
 * the API states, and every post names it (runner id and attempt), so a claim the API no longer holds as
 * the evaluation's (cancelled, or taken over after the lease lapsed) stops the child and stores nothing.
 * A claim refused because another runner's claim is alive delays the job until that lease would run out,
 * without spending an attempt: the other runner usually finishes first, and the job then finds nothing to do.
 * An attempt that fails and will be retried gives its claim up, so the retry is not held back by the lease.
 */
export function createEvaluateProcessor(deps: ProcessorDeps) {
  const { api, config, log } = deps;
  return async (job: Job, token?: string) => {
    const parsed = EvaluateJob.safeParse(job.data);
    if (!parsed.success) {
      // No evaluation to fail: the job fails alone, and the reconciler finds any evaluation left behind.
      const reason = `malformed job payload: ${parsed.error.message}`;
      log.error({ jobId: job.id, data: job.data, kind: 'suite' satisfies FailureKind }, reason);
      throw new UnrecoverableError(reason);
    }
    const { evaluationId, shard, merge } = parsed.data;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let claim: ClaimResponse | undefined;
    // A shard (a child job of a sharded evaluation's flow) or the merge (its parent job): see EvaluateJob.
    let mode: ChildRequest['mode'];
    let mergeShards: MergeClaimResponse['shards'] | undefined;
    let stopHeartbeat = () => {};
    try {
      try {
        if (shard !== undefined) {
          const c = await api.claimShard(evaluationId, shard, config.runnerId);
          claim = c;
          mode = { kind: 'shard', range: c.shard };
        } else if (merge) {
          const c = await api.claimMerge(evaluationId, config.runnerId);
          claim = c;
          mergeShards = c.shards;
        } else claim = await api.claim(evaluationId, config.runnerId);
      } catch (err) {
        if (err instanceof ApiRejection && err.retryAfterMs !== undefined && token) {
          const delayMs = err.retryAfterMs + 1000;
          log.info({ evaluationId, shard, delayMs }, `claimed by another runner; looking again later: ${err.message}`);
          await job.moveToDelayed(Date.now() + delayMs, token);
          throw new DelayedError();
        }
        if (err instanceof ApiRejection && (err.status === 409 || err.status === 404)) {
          log.info({ evaluationId, shard }, `nothing to do: ${err.message}`);
          return { skipped: err.message };
        }
        throw err;
      }
      // The attempt number is the API's (the stored attempts), not BullMQ's: a job re-added by the
      // reconciler starts BullMQ's count again, the database's does not.
      const attempt = claim.attempt;
      const held: HeartbeatBody = { runnerId: config.runnerId, attempt };
      // Cancelled by an admin, or taken over after the lease lapsed: the API refuses our posts, and the child is stopped.
      const cancelled = new AbortController();
      stopHeartbeat = startClaimHeartbeat(
        () => api.heartbeat(evaluationId, held, shard),
        claim.leaseMs,
        cancelled,
        (err) => log.warn({ evaluationId, err: err.message }, 'heartbeat not delivered'),
      );
      const manifest = Manifest.safeParse(claim.manifest);
      const suite = SuiteDefinition.safeParse(claim.suite.definition);
      if (!manifest.success || !suite.success) {
        // Stored by an API whose schemas this runner no longer shares: an admin must migrate or upgrade.
        const reason = !manifest.success
          ? `stored manifest no longer validates: ${manifest.error.message}`
          : `suite definition does not validate: ${suite.error!.message}`;
        log.error({ evaluationId, kind: 'suite' satisfies FailureKind, attempt }, `evaluation failed: ${reason}`);
        await api.failure(evaluationId, { ...held, kind: 'suite', reason }, shard);
        throw new UnrecoverableError(reason);
      }
      const provenanceBase: ProvenanceBase = {
        runnerId: config.runnerId,
        seed: suite.data.seed,
        suite: { id: claim.suite.id, version: claim.suite.version },
      };
      const artifactPath = await api.artifact(claim.artifact.sha256, config.cacheDir);
      const extraArtifactPaths: Record<string, string> = {};
      for (const extra of claim.extraArtifacts ?? []) extraArtifactPaths[extra.role] = await api.artifact(extra.sha256, config.cacheDir);
      if (mergeShards) {
        const shards = [];
        for (const s of mergeShards) shards.push({ path: await api.artifact(s.partialSha256, config.cacheDir), facts: s.facts });
        mode = { kind: 'merge', shards };
      }
      log.info(
        { evaluationId, model: claim.model.name, suite: claim.suite.id, attempt, ...(mode ? { mode: mode.kind } : {}), shard },
        mode?.kind === 'shard' ? 'shard started' : mode ? 'merge started' : 'evaluation started',
      );
      // Posts to the API (which writes the row) at most once a second, and at once when the stage changes.
      let lastPost = 0;
      let lastPostedStage: string | undefined;
      let lastPostedFraction = 0;
      let lastStageLog = 0;
      let lastLoggedStage: string | undefined;
      const outcome = await runEvaluationInChild(
        {
          artifactPath,
          extraArtifactPaths,
          manifest: manifest.data,
          suite: suite.data,
          executionProvider: config.executionProvider,
          noiseThreads: config.noiseThreads,
          ...(config.ortThreads ? { ortThreads: config.ortThreads } : {}),
          assetDirs: config.assetDirs,
          ...(mode ? { mode } : {}),
        },
        {
          timeoutMs: Math.min(suite.data.time_limit_s * 1000, config.evalTimeoutMs),
          memoryLimitBytes: config.childMemoryLimitBytes,
          signal: deps.shutdown ? AbortSignal.any([deps.shutdown, cancelled.signal]) : cancelled.signal,
          onProgress: (fraction, stage) => {
            job.updateProgress(Math.round(fraction * 100)).catch(() => undefined); // the API holds the truth; Redis progress is a hint
            const now = Date.now();
            // Where the time goes: the stage running, its rate and ETA, wall time per stage, every 10 s and at each new stage.
            if (stage && (now - lastStageLog >= 10_000 || stage.stage !== lastLoggedStage)) {
              lastStageLog = now;
              lastLoggedStage = stage.stage;
              log.info({ evaluationId, attempt, ...stage }, describeProgress(stage));
            }
            if (now - lastPost >= 1000 || (stage && stage.stage !== lastPostedStage) || (fraction >= 1 && lastPostedFraction < 1)) {
              lastPost = now;
              lastPostedStage = stage?.stage;
              lastPostedFraction = fraction;
              api
                .progress(evaluationId, held, fraction, stage, shard)
                .then((accepted) => {
                  if (!accepted) cancelled.abort();
                })
                .catch((err) => log.warn({ evaluationId, err: (err as Error).message }, 'progress not delivered'));
            }
          },
        },
      );
      if (cancelled.signal.aborted) {
        log.info({ evaluationId, attempt }, "evaluation stopped: this claim is no longer the evaluation's (cancelled, or taken over)");
        return { cancelled: true };
      }
      if (outcome.kind === 'failed') {
        const { failure } = outcome;
        const err = new EvaluationChildError(failure);
        if (failure.kind === 'infrastructure') throw err;
        // The model's author or an admin must act: running it again would fail the same way.
        log[failure.kind === 'model' ? 'info' : 'error'](
          { evaluationId, attempt, kind: failure.kind, err, ...(failure.causes ? { causes: failure.causes } : {}) },
          `evaluation failed: ${failure.kind}`,
        );
        await api.failure(
          evaluationId,
          { ...held, kind: failure.kind, reason: publicReason(failure.reason), provenance: buildProvenance(provenanceBase) },
          shard,
        );
        throw new UnrecoverableError(failure.reason);
      }
      if (outcome.kind === 'shard-done') {
        // Shard 0 holds the evaluation's first samples: its grid is the evaluation's.
        if (shard === 0 && outcome.sampleGrid)
          await api
            .sampleGrid(evaluationId, outcome.sampleGrid)
            .catch((err) => log.warn({ evaluationId, err: (err as Error).message }, 'sample grid not delivered'));
        if (shard === 0 && outcome.samples?.length)
          await uploadKeptSamples(api, evaluationId, outcome.samples).catch((err) =>
            log.warn({ evaluationId, err: (err as Error).message }, 'kept samples not delivered'),
          );
        const stored = await api.shardPartial(evaluationId, shard!, outcome.partial);
        try {
          const r = await api.shardResult(evaluationId, shard!, { ...held, partialSha256: stored.sha256, facts: outcome.facts });
          log.info({ evaluationId, shard, bytes: stored.size, outcome: r.outcome }, 'shard succeeded');
          return { shard, partialSha256: stored.sha256 };
        } catch (err) {
          if (err instanceof ApiRejection && err.status === 409) {
            log.info({ evaluationId, shard, err: err.message }, 'shard result discarded by the server');
            return { discarded: err.message };
          }
          throw err;
        }
      }
      const o = outcome.output;
      for (const warning of o.warnings)
        log.warn({ evaluationId, requestedProvider: config.executionProvider, executionProvider: o.executionProvider }, warning);
      if (outcome.sampleGrid) {
        // Before the result, so a succeeded evaluation already shows its grid; a lost grid never fails it.
        await api
          .sampleGrid(evaluationId, outcome.sampleGrid)
          .catch((err) => log.warn({ evaluationId, err: (err as Error).message }, 'sample grid not delivered'));
      }
      if (outcome.samples?.length) {
        // Before the result too, so that a succeeded evaluation already lists them; a lost one never fails it.
        await uploadKeptSamples(api, evaluationId, outcome.samples).catch((err) =>
          log.warn({ evaluationId, err: (err as Error).message }, 'kept samples not delivered'),
        );
      }
      const provenance = buildProvenance(provenanceBase, o);
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
      if (err instanceof UnrecoverableError || err instanceof DelayedError) throw err;
      const causes = err instanceof EvaluationChildError ? err.failure.causes : undefined;
      log.warn(
        {
          evaluationId,
          attempt: claim?.attempt,
          kind: 'infrastructure' satisfies FailureKind,
          lastAttempt,
          err,
          ...(causes ? { causes } : {}),
        },
        lastAttempt ? 'evaluation failed: infrastructure, attempts exhausted' : 'evaluation failed: infrastructure, to be retried',
      );
      // The retry (BullMQ's next attempt, on this runner or another) claims at once rather than after our lease:
      // the heartbeat stops first so that no beat renews the claim after it is given up. Best effort, bounded:
      // a claim not released only lapses, as a dead runner's does.
      if (claim && !lastAttempt) {
        stopHeartbeat();
        const held: HeartbeatBody = { runnerId: config.runnerId, attempt: claim.attempt };
        await Promise.race([
          api
            .release(evaluationId, held, shard)
            .catch((e: unknown) =>
              log.warn({ evaluationId, shard, err: (e as Error).message }, 'claim not released; the retry waits for its lease'),
            ),
          new Promise((r) => setTimeout(r, RELEASE_WAIT_MS).unref()),
        ]);
      }
      // Without a claim there is nothing of ours to end: the job fails and the reconciler records its reason.
      if (claim && lastAttempt && !deps.shutdown?.aborted) {
        await api
          .failure(
            evaluationId,
            {
              runnerId: config.runnerId,
              attempt: claim.attempt,
              kind: 'infrastructure',
              reason: publicReason(`gave up after ${claim.attempt} attempts: ${(err as Error).message}`),
            },
            shard,
          )
          .catch((e) => log.error({ evaluationId, err: (e as Error).message }, 'could not record the failure'));
      }
      throw err;
    } finally {
      stopHeartbeat();
    }
  };
}

/**
 * Renews a claim every third of its lease until stopped, so one or two lost posts do not lose it. A refusal
 * (the claim is gone) aborts `lost`; network errors are only reported: the next beat tries again.
 */
function startClaimHeartbeat(
  beat: () => Promise<boolean>,
  leaseMs: number,
  lost: AbortController,
  onError: (err: Error) => void,
): () => void {
  const timer = setInterval(
    () => {
      beat().then(
        (held) => {
          if (!held) lost.abort();
        },
        (err: unknown) => onError(err as Error),
      );
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  return () => clearInterval(timer);
}

/** Uploads each kept sample's PNG or animated WebP (stored by sha256), then records them all in one post (idempotent per index). */
async function uploadKeptSamples(api: RunnerApiClient, evaluationId: string, samples: readonly KeptSample[]): Promise<void> {
  const records = [];
  for (const s of samples) {
    const { sha256 } = await api.sampleImage(evaluationId, s.image, s.mediaType);
    // Images shown beside the sample (an image-conditioned family's input and target) are stored first, by sha256.
    const images: Record<string, string> = { ...s.condition.images };
    for (const [role, png] of Object.entries(s.images ?? {})) images[role] = (await api.sampleImage(evaluationId, png)).sha256;
    const condition = Object.keys(images).length > 0 ? { ...s.condition, images } : s.condition;
    records.push({ index: s.index, sha256, condition });
  }
  await api.recordSamples(evaluationId, { samples: records });
}
