import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { ONE_SNAPSHOT } from '../database/one-snapshot.js';
import { ArtifactsRepository } from '../artifacts/artifacts.repository.js';
import { DuplicateSubmissionError, SubmissionKindConflictError } from './submission-errors.js';
import { submissionFingerprint } from './submission-fingerprint.js';
import { type Viewer, visibleVersions } from '../auth/visibility.js';
import type { EvaluationTrigger, ModelKind, Prisma, Visibility } from '../generated/prisma/client.js';

/** How often a submission's transaction is retried when a concurrent one created the same model row first. */
const CREATE_ATTEMPTS = 3;

/**
 * The version of `where`'s model(s) that has this content, if any. Versions stored before fingerprints
 * existed are compared by recomputing theirs from the stored manifest (jsonb returns the same values, in
 * another key order, which the canonical form ignores).
 */
async function duplicateOf(
  db: Prisma.TransactionClient,
  where: Prisma.ModelVersionWhereInput,
  artifactSha256: string,
  fingerprint: string,
) {
  const candidates = await db.modelVersion.findMany({
    where: { ...where, artifactSha256 },
    include: { model: true },
    orderBy: { version: 'asc' },
  });
  const same = candidates.find(
    (v) =>
      (v.fingerprint ??
        submissionFingerprint({
          artifactSha256: v.artifactSha256,
          extraArtifacts: v.extraArtifacts as Array<{ role: string; sha256: string }>,
          manifest: v.manifest,
        })) === fingerprint,
  );
  return same && new DuplicateSubmissionError(presentExisting(same));
}

function presentExisting(v: { id: string; version: number; modelId: string; visibility: Visibility; model: { name: string } }) {
  return { modelId: v.modelId, modelName: v.model.name, version: v.version, versionId: v.id, visibility: v.visibility };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

@Injectable()
export class ModelsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /**
   * Creates the model (first submission) or a new version of it, and its evaluations, in one transaction:
   * either all rows exist afterwards or none do.
   */
  async createVersionWithEvaluations(input: {
    owner: string;
    name: string;
    kind: ModelKind;
    artifactSha256: string;
    artifactSize: number;
    /** Further files, e.g. a latent denoiser's decoder. */
    extraArtifacts: Array<{ role: string; sha256: string; size: number }>;
    manifest: Prisma.InputJsonValue;
    suiteVersionIds: string[];
    trigger: EvaluationTrigger;
    /** This version's own visibility: earlier versions keep theirs, whatever this one says. */
    visibility: Visibility;
    tokenId: string;
    /** Content fingerprint (submission-fingerprint.ts): a version with the same one is a duplicate. */
    fingerprint: string;
    /**
     * Moves the files into the artifact store. Runs last, inside the transaction and while the files' locks
     * are held (so the sweep cannot take them before the rows commit); if it throws, nothing is stored.
     */
    adoptFiles: () => Promise<void>;
  }) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.createVersionOnce(input);
      } catch (err) {
        // Two first submissions of one model both inserted its row; the loser retries and finds it.
        if (!isUniqueViolation(err) || attempt >= CREATE_ATTEMPTS) throw err;
      }
    }
  }

  /** The version with this content among `owner`'s model `name`, as DuplicateSubmissionError, or undefined. */
  findDuplicate(owner: string, name: string, artifactSha256: string, fingerprint: string) {
    return duplicateOf(this.prisma, { model: { owner, name } }, artifactSha256, fingerprint);
  }

  private createVersionOnce(input: Parameters<ModelsRepository['createVersionWithEvaluations']>[0]) {
    return this.prisma.$transaction(
      async (tx) => {
        await ArtifactsRepository.lockFiles(tx, [input.artifactSha256, ...input.extraArtifacts.map((a) => a.sha256)]);
        const model = await tx.model.upsert({
          where: { owner_name: { owner: input.owner, name: input.name } },
          create: { owner: input.owner, name: input.name, kind: input.kind },
          update: {},
        });
        // Submissions of one model take turns from here, so the duplicate check and the next version number
        // see every version committed before; the unique (model, fingerprint) index backs the check up.
        await tx.$executeRaw`SELECT 1 FROM models WHERE id = ${model.id}::uuid FOR UPDATE`;
        // Thrown, not returned: the transaction rolls back, so a refused submission changes nothing.
        if (model.kind !== input.kind)
          throw new SubmissionKindConflictError(`model "${input.name}" is a ${model.kind}; a new version cannot be a ${input.kind}`);
        const duplicate = await duplicateOf(tx, { modelId: model.id }, input.artifactSha256, input.fingerprint);
        if (duplicate) throw duplicate;
        const last = await tx.modelVersion.findFirst({ where: { modelId: model.id }, orderBy: { version: 'desc' } });
        const version = await tx.modelVersion.create({
          data: {
            modelId: model.id,
            version: (last?.version ?? 0) + 1,
            artifactSha256: input.artifactSha256,
            artifactSize: BigInt(input.artifactSize),
            extraArtifacts: input.extraArtifacts,
            manifest: input.manifest,
            fingerprint: input.fingerprint,
            visibility: input.visibility,
          },
        });
        const evaluations = [];
        for (const suiteVersionId of input.suiteVersionIds) {
          evaluations.push(
            await tx.evaluation.create({
              data: { modelVersionId: version.id, suiteVersionId, trigger: input.trigger, tokenId: input.tokenId },
              include: { suiteVersion: true },
            }),
          );
        }
        await input.adoptFiles();
        return { model, version, evaluations } as const;
      },
      { timeout: 60_000 },
    );
  }

  /** Models with at least one version `viewer` sees, each with the versions they see (newest first). */
  list(filter: { kind?: ModelKind; owner?: string; take: number; skip: number; viewer: Viewer }) {
    const visible = visibleVersions(filter.viewer);
    const where: Prisma.ModelWhereInput = { kind: filter.kind, owner: filter.owner, versions: { some: visible } };
    return this.prisma.$transaction([
      this.prisma.model.findMany({
        where,
        orderBy: { createdAt: 'desc' },
        take: filter.take,
        skip: filter.skip,
        include: { versions: { where: visible, orderBy: { version: 'desc' }, select: { version: true, visibility: true } } },
      }),
      this.prisma.model.count({ where }),
    ]);
  }

  /** The model with only the versions `viewer` sees (none: not found or private to them). */
  findById(id: string, viewer: Viewer) {
    // One snapshot for the model, its versions and their evaluations' metrics (database/one-snapshot.ts).
    return this.prisma.$transaction(
      (tx) =>
        tx.model.findUnique({
          where: { id },
          include: {
            versions: {
              where: visibleVersions(viewer),
              orderBy: { version: 'desc' },
              include: { evaluations: { orderBy: { queuedAt: 'desc' }, include: { metrics: true, suiteVersion: true } } },
            },
          },
        }),
      ONE_SNAPSHOT,
    );
  }

  findVersionBySha(sha256: string) {
    return this.prisma.modelVersion.findFirst({ where: { artifactSha256: sha256 } });
  }
}
