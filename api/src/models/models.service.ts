import { rm } from 'node:fs/promises';
import {
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { inspectInChild } from '../../../runner/src/api-entry.js';
import { type Manifest, ManifestError, parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
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
import type { ListModelsQuery } from './models.schemas.js';
import { submissionFacts } from '../../../contracts/suites/suite-fit.js';

function badRequest(message: string, issues: Array<{ path: string; message: string }>): never {
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message, issues });
}

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
  if (manifest.kind === 'generator' || manifest.kind === 'denoiser' || manifest.kind === 'samples') {
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
  ) {}

  /**
   * Validates an upload (manifest, then the file against it: an ONNX model, or the .npz of a sample batch,
   * plus a latent denoiser's decoder and a guided denoiser's classifier), stores the artifacts by content hash, records the version and its
   * evaluations, and queues them. A rejected upload leaves nothing behind.
   */
  async submit(
    principal: Principal,
    file: Express.Multer.File | undefined,
    manifestText: unknown,
    visibilityField: unknown = 'public',
    decoder?: Express.Multer.File,
    classifier?: Express.Multer.File,
  ) {
    try {
      if (visibilityField !== 'public' && visibilityField !== 'private') {
        badRequest('"visibility" must be "public" or "private"', [{ path: 'visibility', message: 'expected "public" or "private"' }]);
      }
      const visibility = visibilityField;
      if (!file)
        badRequest('the upload has no "file" part: send the ONNX file as multipart field "file"', [{ path: 'file', message: 'required' }]);
      if (typeof manifestText !== 'string' || manifestText.trim() === '') {
        badRequest('the upload has no "manifest" part: send the manifest JSON as multipart field "manifest"', [
          { path: 'manifest', message: 'required' },
        ]);
      }
      let manifest: Manifest;
      try {
        manifest = parseManifest(manifestText);
      } catch (err) {
        if (err instanceof ManifestError)
          badRequest(
            err.message,
            err.issues.map((i) => ({ path: `manifest${i.path ? '.' + i.path : ''}`, message: i.message })),
          );
        throw err;
      }
      if (file.size === 0) badRequest('the uploaded file is empty', [{ path: 'file', message: 'empty file' }]);
      const latent = manifest.kind === 'denoiser' && manifest.latent !== undefined;
      if (latent && !decoder) {
        badRequest('a latent denoiser needs its decoder: send the decoder ONNX as multipart field "decoder"', [
          { path: 'decoder', message: 'required' },
        ]);
      }
      if (decoder && !latent) {
        badRequest('a "decoder" file was sent, but the manifest declares no latent space', [{ path: 'decoder', message: 'unexpected' }]);
      }
      if (decoder?.size === 0) badRequest('the uploaded decoder is empty', [{ path: 'decoder', message: 'empty file' }]);
      const guided = manifest.kind === 'denoiser' && manifest.classifier !== undefined;
      if (guided && !classifier) {
        badRequest('the manifest declares a classifier: send its gradient ONNX as multipart field "classifier"', [
          { path: 'classifier', message: 'required' },
        ]);
      }
      if (classifier && !guided) {
        badRequest('a "classifier" file was sent, but the manifest declares no classifier', [
          { path: 'classifier', message: 'unexpected' },
        ]);
      }
      if (classifier?.size === 0) badRequest('the uploaded classifier is empty', [{ path: 'classifier', message: 'empty file' }]);
      // Hashed first, so an exact resubmission is refused before the inspection; the check is repeated, race
      // free, when the version is stored.
      const { sha256, size } = await ArtifactStore.sha256File(file.path);
      const extras = [
        ...(decoder ? [{ role: 'decoder', upload: decoder }] : []),
        ...(classifier ? [{ role: 'classifier', upload: classifier }] : []),
      ];
      const extraArtifacts = await Promise.all(
        extras.map(async (e) => ({ role: e.role, ...(await ArtifactStore.sha256File(e.upload.path)) })),
      );
      const files = [{ path: file.path, sha256 }, ...extras.map((e, i) => ({ path: e.upload.path, sha256: extraArtifacts[i]!.sha256 }))];
      const fingerprint = submissionFingerprint({ artifactSha256: sha256, extraArtifacts, manifest });
      const earlier = await this.models.findDuplicate(principal.owner, manifest.name, sha256, fingerprint);
      if (earlier) throw conflictOf(earlier, visibility);
      // Sample batches are not ONNX: the child reads their .npz headers instead of loading them in onnxruntime.
      // The model also runs once at the largest batch its suites use, so one whose memory grows with the batch
      // is refused here rather than failing later (runner/src/inspect/inspect-full-batch.ts).
      const batchSize = await this.suites.largestBatchFor(manifest.kind, resolutionOf(manifest), taskOf(manifest));
      const report = await inspectInChild(
        file.path,
        manifest,
        { timeoutMs: this.config.inspectTimeoutMs, memoryLimitBytes: this.config.childMemoryLimitBytes, batchSize },
        { decoderPath: decoder?.path, classifierPath: classifier?.path },
      );
      if (!report.ok) {
        const path =
          report.field === 'file' || report.field === 'decoder' || report.field === 'classifier' || !report.field
            ? (report.field ?? 'file')
            : `manifest.${report.field}`;
        badRequest(report.problem, [{ path, message: report.problem }]);
      }
      const task = taskOf(manifest);
      const {
        available: suiteVersions,
        unavailable,
        notApplicable,
      } = await this.suites.matching(manifest.kind, resolutionOf(manifest), task, {
        manifest,
        facts: submissionFacts(manifest, report),
      });
      if (principal.dailyQuota !== null) {
        const used = await this.evaluations.countForQuota(principal.tokenId, new Date(Date.now() - 86_400_000));
        if (used + suiteVersions.length > principal.dailyQuota) {
          throw new HttpException(
            {
              statusCode: 429,
              message: `quota exceeded: this token may queue ${principal.dailyQuota} evaluations per 24 hours (failed ones do not count); ${used} are used and this submission needs ${suiteVersions.length}`,
            },
            HttpStatus.TOO_MANY_REQUESTS,
          );
        }
      }
      // The files enter the store only inside the transaction that records them (adoptFiles): a refused or
      // failed submission leaves none there.
      const created = await this.models
        .createVersionWithEvaluations({
          owner: principal.owner,
          name: manifest.name,
          kind: manifest.kind,
          artifactSha256: sha256,
          artifactSize: size,
          extraArtifacts,
          manifest,
          suiteVersionIds: suiteVersions.map((s) => s.id),
          trigger: 'submit',
          visibility,
          tokenId: principal.tokenId,
          fingerprint,
          adoptFiles: () => this.adoptFiles(files),
        })
        .catch((err: unknown) => {
          throw conflictOf(err, visibility);
        });
      let queueDown = false;
      try {
        await this.queue.enqueue(created.evaluations.map((e) => e.id));
      } catch (err) {
        // The rows are the truth: the reconciler re-enqueues queued evaluations Redis does not hold. The
        // enqueue is bounded (GENBENCH_QUEUE_TIMEOUT_MS), so the submission is answered either way.
        queueDown = true;
        this.log.warn(`could not enqueue evaluations of ${manifest.name} v${created.version.version}: ${(err as Error).message}`);
      }
      return {
        model: { id: created.model.id, name: created.model.name, owner: created.model.owner, kind: created.model.kind },
        version: { id: created.version.id, version: created.version.version, artifactSha256: sha256, artifactSize: size, extraArtifacts },
        evaluations: created.evaluations.map((e) => ({
          id: e.id,
          suite: { id: e.suiteVersion.suiteId, version: e.suiteVersion.version },
          status: e.status,
        })),
        warnings: [
          ...(report.fullBatchNote ? [report.fullBatchNote] : []),
          ...(created.evaluations.length === 0 && unavailable.length === 0 && notApplicable.length === 0
            ? [
                `no suite scores ${manifest.kind} models${resolutionOf(manifest) === undefined ? '' : ` at resolution ${resolutionOf(manifest)}`}${task ? ` for ${task}` : ''}`,
              ]
            : []),
          ...(created.evaluations.length === 0 && unavailable.length > 0
            ? [
                `no suite can score this submission on this server yet: ${unavailable.map((u) => `${u.suiteId} v${u.version}`).join(', ')} ${unavailable.length === 1 ? 'matches it but is' : 'match it but are'} unavailable here (files this server has not installed)${notApplicable.length ? `, and ${notApplicable.map((u) => `${u.suiteId} v${u.version}`).join(', ')} cannot score it` : ''}; the version is stored, and nothing is queued`,
              ]
            : []),
          ...notApplicable.map((u) => `not queued on ${u.suiteId} v${u.version}: ${u.message}`),
          ...unavailable.map((u) => `not queued on ${u.suiteId} v${u.version}, which is unavailable on this server: ${u.message}`),
          ...(queueDown && created.evaluations.length
            ? ['the evaluation queue is unavailable right now: the evaluations are saved and scoring will start when the queue is back']
            : []),
        ],
      };
    } finally {
      if (file) await rm(file.path, { force: true }).catch(() => undefined);
      if (decoder) await rm(decoder.path, { force: true }).catch(() => undefined);
      if (classifier) await rm(classifier.path, { force: true }).catch(() => undefined);
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
