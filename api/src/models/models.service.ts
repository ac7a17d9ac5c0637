import { rm } from 'node:fs/promises';
import { findSuite } from '../../../benchmarks/index.js';
import { ConflictException, HttpException, HttpStatus, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { isTextConditioned } from '../../../contracts/manifest/text-conditioning.schemas.js';
import { inspectInChild } from '../../../runner/src/api-entry.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import type { Principal } from '../auth/tokens.service.js';
import { modelVisibility, viewerOf } from '../auth/visibility.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { presentEvaluation } from '../evaluations/evaluation.presenter.js';
import { EvaluationQueue } from '../evaluations/evaluation-queue.js';
import { EvaluationsRepository } from '../evaluations/evaluations.repository.js';
import { SuitesService } from '../suites/suites.service.js';
import { ModelsRepository } from './models.repository.js';
import { DuplicateSubmissionError, SubmissionKindConflictError } from './submission-errors.js';
import { submissionFingerprint } from './submission-fingerprint.js';
import { type ListModelsQuery, type SubmissionFields, UploadedSubmission } from './models.schemas.js';
import { UploadStore, UploadUnavailableError } from '../uploads/upload-store.js';
import { UPLOAD_FIELDS } from './companion-files.js';
import { checkConditionInputs } from './conditions-check.js';
import { checkPromptList } from './prompt-list-check.js';
import { checkVideoBatchFits } from './video-batch-check.js';
import { badRequest, type Companion, readCompanions, readForm, readManifest, type SubmissionUpload } from './submission-form.js';
import { submissionFacts } from '../../../contracts/suites/suite-fit.js';
import type { InspectionReport } from '../../../contracts/inspection/inspection.js';

/** The report of an upload the inspection accepted. */
type AcceptedReport = Extract<InspectionReport, { ok: true }>;

/** A matching suite version not queued on, and why (SuitesService.matching). */
type SuiteNotQueued = { suiteId: string; version: number; message: string };

/**
 * 409 for a submission refused after validation. A duplicate's body names the version that has this content
 * (`existing`), so a client (scripts/demo.ts) can reuse it; its visibility is left as it is.
 */
function conflictOf(err: unknown, visibility: 'public' | 'private'): unknown {
  if (err instanceof SubmissionKindConflictError)
    return new ConflictException({ statusCode: 409, error: 'Conflict', message: err.message });
  if (!(err instanceof DuplicateSubmissionError)) return err;
  const e = err.existing;
  const kept = e.visibility === visibility ? '' : ` It stays ${e.visibility}: a resubmission does not change a version's visibility.`;
  return new ConflictException({
    statusCode: 409,
    error: 'Conflict',
    message: `this file and manifest were already submitted as ${e.modelName} v${e.version} (version id ${e.versionId}, ${e.visibility}); nothing was stored. A new version needs a changed file or manifest field.${kept}`,
    existing: e,
  });
}

/** The generation task a manifest's model competes in. */
export function taskOf(manifest: Manifest): string | undefined {
  if ((manifest.kind === 'samples' || manifest.kind === 'denoiser') && manifest.frames !== undefined) return 'video-generation';
  if (manifest.kind === 'image_to_image') return manifest.task;
  if (manifest.kind === 'denoiser' && manifest.condition) return manifest.condition.task;
  // A batch answering a suite's published condition images competes in that suite's task.
  if (manifest.kind === 'samples' && manifest.conditions !== undefined) return findSuite(manifest.conditions)?.task;
  if (manifest.kind === 'generator' || manifest.kind === 'denoiser' || manifest.kind === 'samples') {
    if (isTextConditioned(manifest)) return 'text-to-image';
    return manifest.classes > 0 ? 'class-conditional-generation' : 'unconditional-generation';
  }
  if (manifest.kind === 'extractor' || manifest.kind === 'segmenter') return 'zero-shot-segmentation';
  return undefined;
}

/**
 * The resolution suites are matched on. Segmentation kinds have none: the harness resizes a suite's images to
 * their `input_size`, so they are matched by kind and task alone.
 */
export function resolutionOf(manifest: Manifest): number | undefined {
  return 'resolution' in manifest ? manifest.resolution : undefined;
}

/** The hashes of an upload's files, the paths to adopt into the store, and the submission's fingerprint. */
interface UploadContent {
  sha256: string;
  size: number;
  extraArtifacts: Array<{ role: string; sha256: string; size: number }>;
  files: Array<{ path: string; sha256: string }>;
  fingerprint: string;
}

async function hashUpload(file: Express.Multer.File, companions: readonly Companion[], manifest: Manifest): Promise<UploadContent> {
  const { sha256, size } = await ArtifactStore.sha256File(file.path);
  const extraArtifacts = await Promise.all(
    companions.map(async (c) => ({ role: c.spec.role, ...(await ArtifactStore.sha256File(c.upload.path)) })),
  );
  const files = [{ path: file.path, sha256 }, ...companions.map((c, i) => ({ path: c.upload.path, sha256: extraArtifacts[i]!.sha256 }))];
  return { sha256, size, extraArtifacts, files, fingerprint: submissionFingerprint({ artifactSha256: sha256, extraArtifacts, manifest }) };
}

/** Refuses (400) a file whose bytes hash to other than the sha256 its client declared. */
function checkDeclaredSha256(declared: UploadedSubmission['sha256'], content: UploadContent, companions: readonly Companion[]): void {
  const actual: Array<[string, string]> = [
    ['file', content.sha256],
    ...companions.map((c, i): [string, string] => [c.spec.field, content.extraArtifacts[i]!.sha256]),
  ];
  for (const [field, sha] of actual) {
    const want = declared[field];
    if (want !== sha) {
      const message = `the uploaded "${field}" has sha256 ${sha}, not the declared ${want ?? '(none)'}: it is not the file you meant or was damaged on the way; nothing was stored`;
      badRequest(message, [{ path: `sha256.${field}`, message: 'sha256 mismatch' }]);
    }
  }
}

/** Why suites were not queued, a slow dry run's note, and a queue outage. */
function submissionWarnings(
  manifest: Manifest,
  report: AcceptedReport,
  match: { unavailable: SuiteNotQueued[]; notApplicable: SuiteNotQueued[] },
  queuedCount: number,
  queued: boolean,
): string[] {
  const { unavailable, notApplicable } = match;
  const resolution = resolutionOf(manifest);
  const task = taskOf(manifest);
  const named = (list: SuiteNotQueued[]) => list.map((u) => `${u.suiteId} v${u.version}`).join(', ');
  return [
    ...(report.fullBatchNote ? [report.fullBatchNote] : []),
    ...(queuedCount === 0 && unavailable.length === 0 && notApplicable.length === 0
      ? [
          `no suite scores ${manifest.kind} models${resolution === undefined ? '' : ` at resolution ${resolution}`}${task ? ` for ${task}` : ''}`,
        ]
      : []),
    ...(queuedCount === 0 && unavailable.length > 0
      ? [
          `no suite can score this submission on this server yet: ${named(unavailable)} ${unavailable.length === 1 ? 'matches it but is' : 'match it but are'} unavailable here (files this server has not installed)${notApplicable.length ? `, and ${named(notApplicable)} cannot score it` : ''}; the version is stored, and nothing is queued`,
        ]
      : []),
    ...notApplicable.map((u) => `not queued on ${u.suiteId} v${u.version}: ${u.message}`),
    ...unavailable.map((u) => `not queued on ${u.suiteId} v${u.version}, which is unavailable on this server: ${u.message}`),
    ...(!queued && queuedCount
      ? ['the evaluation queue is unavailable right now: the evaluations are saved and scoring will start when the queue is back']
      : []),
  ];
}

@Injectable()
export class ModelsService {
  private readonly log = new Logger('models');

  constructor(
    @Inject(ModelsRepository) private readonly models: ModelsRepository,
    @Inject(SuitesService) private readonly suites: SuitesService,
    @Inject(EvaluationQueue) private readonly queue: EvaluationQueue,
    @Inject(EvaluationsRepository) private readonly evaluations: EvaluationsRepository,
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UploadStore) private readonly uploadStore: UploadStore,
  ) {}

  /**
   * Validates an upload (the form, the manifest, then the file against it: an ONNX model, or the .npz of a
   * sample batch, with the companion files its manifest needs), stores the artifacts by content hash, records
   * the version and its evaluations, and queues them. A rejected upload leaves nothing behind.
   */
  async submit(principal: Principal, upload: SubmissionUpload, declaredSha256?: UploadedSubmission['sha256']) {
    try {
      const form = readForm(upload);
      const manifest = readManifest(form.manifest);
      const companions = readCompanions(form.file, manifest, upload.files);
      // Hashed first, so an exact resubmission is refused before the inspection; the check is repeated, race
      // free, when the version is stored.
      const content = await hashUpload(form.file, companions, manifest);
      if (declaredSha256) checkDeclaredSha256(declaredSha256, content, companions);
      const earlier = await this.models.findDuplicate(principal.owner, manifest.name, content.sha256, content.fingerprint);
      if (earlier) throw conflictOf(earlier, form.visibility);
      const report = await this.inspect(form.file, companions, manifest);
      checkPromptList(manifest, report);
      checkConditionInputs(manifest, report);
      const match = await this.suites.matching(manifest.kind, resolutionOf(manifest), taskOf(manifest), {
        manifest,
        facts: submissionFacts(manifest, report),
      });
      checkVideoBatchFits(manifest, match);
      await this.checkQuota(principal, match.available.length);
      const created = await this.record(principal, manifest, form.visibility, content, match.available);
      const queued = await this.enqueue(manifest, created);
      return {
        model: { id: created.model.id, name: created.model.name, owner: created.model.owner, kind: created.model.kind },
        version: {
          id: created.version.id,
          version: created.version.version,
          artifactSha256: content.sha256,
          artifactSize: content.size,
          extraArtifacts: content.extraArtifacts,
        },
        evaluations: created.evaluations.map((e) => ({
          id: e.id,
          suite: { id: e.suiteVersion.suiteId, version: e.suiteVersion.version },
          status: e.status,
        })),
        warnings: submissionWarnings(manifest, report, match, created.evaluations.length, queued),
      };
    } finally {
      const uploaded = Object.values(upload.files).filter((f) => f !== undefined);
      await Promise.all(uploaded.map((f) => rm(f.path, { force: true }).catch(() => undefined)));
    }
  }

  /**
   * A submission of files sent before as resumable uploads (UploadedSubmission): each upload must be this
   * token's and finished; its file then goes through `submit` exactly as a multipart part would, with the
   * declared sha256 checked first. The uploads are removed once the version is stored; a refused submission
   * leaves them, so it can be corrected and sent again without uploading again (the sweep removes them).
   */
  async submitUploads(principal: Principal, body: unknown) {
    const parsed = UploadedSubmission.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.join('.');
      badRequest(`invalid submission of uploads: ${path ? `${path}: ` : ''}${issue.message}`, [
        { path: path || 'body', message: issue.message },
      ]);
    }
    const { manifest, visibility, uploads, sha256 } = parsed.data;
    const files: Partial<Record<string, Express.Multer.File>> = {};
    try {
      for (const [field, id] of Object.entries(uploads)) {
        if (!id) continue;
        if (!sha256[field])
          badRequest(`no sha256 for the uploaded "${field}": send it in "sha256"`, [{ path: `sha256.${field}`, message: 'required' }]);
        const out = await this.uploadStore.checkout(id, principal, this.config.uploadTmpDir).catch((err: unknown) => {
          if (!(err instanceof UploadUnavailableError)) throw err;
          if (err.status === 404) throw new NotFoundException(err.message);
          throw new ConflictException(err.message);
        });
        files[field] = { fieldname: field, originalname: id, path: out.path, size: out.size } as Express.Multer.File;
      }
    } catch (err) {
      await Promise.all(Object.values(files).map((f) => rm(f!.path, { force: true })));
      throw err;
    }
    const result = await this.submit(
      principal,
      {
        files,
        body: { manifest: typeof manifest === 'string' ? manifest : JSON.stringify(manifest), ...(visibility ? { visibility } : {}) },
      },
      sha256,
    );
    await Promise.all(Object.values(uploads).map((id) => this.uploadStore.remove(id ?? '')));
    return result;
  }

  /**
   * Runs the upload once in the inspection child. Sample batches are not ONNX: the child reads their .npz
   * headers instead of loading them in onnxruntime. The model also runs once at the largest batch its suites
   * use, so one whose memory grows with the batch is refused here rather than failing later
   * (runner/src/inspect/inspect-full-batch.ts).
   */
  private async inspect(file: Express.Multer.File, companions: readonly Companion[], manifest: Manifest): Promise<AcceptedReport> {
    const batchSize = await this.suites.largestBatchFor(manifest.kind, resolutionOf(manifest), taskOf(manifest));
    const report = await inspectInChild(
      file.path,
      manifest,
      { timeoutMs: this.config.inspectTimeoutMs, memoryLimitBytes: this.config.childMemoryLimitBytes, batchSize },
      Object.fromEntries(companions.map((c) => [c.spec.inspection, c.upload.path])),
    );
    if (!report.ok) {
      const field = report.field ?? 'file';
      const path = UPLOAD_FIELDS.includes(field) ? field : `manifest.${field}`;
      badRequest(report.problem, [{ path, message: report.problem }]);
    }
    return report;
  }

  private async checkQuota(principal: Principal, evaluations: number): Promise<void> {
    if (principal.dailyQuota === null) return;
    const used = await this.evaluations.countForQuota(principal.tokenId, new Date(Date.now() - 86_400_000));
    if (used + evaluations > principal.dailyQuota) {
      throw new HttpException(
        {
          statusCode: 429,
          message: `quota exceeded: this token may queue ${principal.dailyQuota} evaluations per 24 hours (failed ones do not count); ${used} are used and this submission needs ${evaluations}`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  /**
   * Records the version and its evaluations. The files enter the store only inside the transaction that
   * records them (adoptFiles): a refused or failed submission leaves none there.
   */
  private record(
    principal: Principal,
    manifest: Manifest,
    visibility: SubmissionFields['visibility'],
    content: UploadContent,
    suiteVersions: ReadonlyArray<{ id: string }>,
  ) {
    return this.models
      .createVersionWithEvaluations({
        owner: principal.owner,
        name: manifest.name,
        kind: manifest.kind,
        artifactSha256: content.sha256,
        artifactSize: content.size,
        extraArtifacts: content.extraArtifacts,
        manifest,
        suiteVersionIds: suiteVersions.map((s) => s.id),
        trigger: 'submit',
        visibility,
        tokenId: principal.tokenId,
        fingerprint: content.fingerprint,
        adoptFiles: () => this.adoptFiles(content.files),
      })
      .catch((err: unknown) => {
        throw conflictOf(err, visibility);
      });
  }

  /**
   * Queues the new evaluations; false when the queue could not be reached. The rows are the truth: the
   * reconciler re-enqueues queued evaluations Redis does not hold. The enqueue is bounded
   * (GENBENCH_QUEUE_TIMEOUT_MS), so the submission is answered either way.
   */
  private async enqueue(manifest: Manifest, created: { version: { version: number }; evaluations: Array<{ id: string }> }) {
    try {
      await this.queue.enqueue(created.evaluations.map((e) => e.id));
      return true;
    } catch (err) {
      this.log.warn(`could not enqueue evaluations of ${manifest.name} v${created.version.version}: ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * Moves an upload's files into the store (inside the transaction that records them, holding their locks).
   * On failure it removes the ones it put there itself — no other submission can have recorded those while
   * the locks are held — and rethrows, so the transaction rolls back and nothing is left.
   */
  private async adoptFiles(files: ReadonlyArray<{ path: string; sha256: string }>): Promise<void> {
    const created: string[] = [];
    try {
      for (const f of files) if ((await this.store.adopt(f.path, f.sha256)).created) created.push(f.sha256);
    } catch (err) {
      for (const sha of created) await this.store.remove(sha).catch(() => undefined);
      throw err;
    }
  }

  /** Models the caller sees at least one version of; `latestVersion` is the newest version they see. */
  async list(q: ListModelsQuery, principal?: Principal) {
    const [rows, total] = await this.models.list({
      kind: q.kind,
      owner: q.owner,
      take: q.limit,
      skip: q.offset,
      viewer: viewerOf(principal),
    });
    return {
      total,
      items: rows.map((m) => ({
        id: m.id,
        name: m.name,
        owner: m.owner,
        kind: m.kind,
        visibility: modelVisibility(m.versions),
        createdAt: m.createdAt,
        latestVersion: m.versions[0]?.version ?? null,
      })),
    };
  }

  /** A model with the versions the caller sees; 404 when they see none (unknown and private look alike). */
  async get(id: string, principal?: Principal) {
    const m = await this.models.findById(id, viewerOf(principal));
    if (!m || m.versions.length === 0) throw new NotFoundException(`model ${id} not found or private`);
    return {
      id: m.id,
      name: m.name,
      owner: m.owner,
      kind: m.kind,
      visibility: modelVisibility(m.versions),
      createdAt: m.createdAt,
      versions: m.versions.map((v) => ({
        id: v.id,
        version: v.version,
        visibility: v.visibility,
        artifactSha256: v.artifactSha256,
        artifactSize: Number(v.artifactSize),
        extraArtifacts: v.extraArtifacts,
        manifest: v.manifest,
        createdAt: v.createdAt,
        evaluations: v.evaluations.map((e) => presentEvaluation({ ...e, modelVersion: { ...v, model: m } })),
      })),
    };
  }
}
