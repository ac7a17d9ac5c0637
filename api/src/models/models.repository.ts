import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { type Viewer, visibleVersions } from '../auth/visibility.js';
import type { EvaluationTrigger, ModelKind, Prisma, Visibility } from '../generated/prisma/client.js';

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
  }) {
    return this.prisma.$transaction(async (tx) => {
      const model = await tx.model.upsert({
        where: { owner_name: { owner: input.owner, name: input.name } },
        create: { owner: input.owner, name: input.name, kind: input.kind },
        update: {},
      });
      if (model.kind !== input.kind)
        return { conflict: `model "${input.name}" is a ${model.kind}; a new version cannot be a ${input.kind}` } as const;
      const same = await tx.modelVersion.findFirst({ where: { modelId: model.id, artifactSha256: input.artifactSha256 } });
      if (
        same &&
        JSON.stringify(same.manifest) === JSON.stringify(input.manifest) &&
        JSON.stringify(same.extraArtifacts) === JSON.stringify(input.extraArtifacts)
      ) {
        return {
          conflict: `this file and manifest were already submitted as ${input.name} v${same.version}`,
          existingVersionId: same.id,
        } as const;
      }
      const last = await tx.modelVersion.findFirst({ where: { modelId: model.id }, orderBy: { version: 'desc' } });
      const version = await tx.modelVersion.create({
        data: {
          modelId: model.id,
          version: (last?.version ?? 0) + 1,
          artifactSha256: input.artifactSha256,
          artifactSize: BigInt(input.artifactSize),
          extraArtifacts: input.extraArtifacts,
          manifest: input.manifest,
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
      return { model, version, evaluations } as const;
    });
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
    return this.prisma.model.findUnique({
      where: { id },
      include: {
        versions: {
          where: visibleVersions(viewer),
          orderBy: { version: 'desc' },
          include: { evaluations: { orderBy: { queuedAt: 'desc' }, include: { metrics: true, suiteVersion: true } } },
        },
      },
    });
  }

  findVersionBySha(sha256: string) {
    return this.prisma.modelVersion.findFirst({ where: { artifactSha256: sha256 } });
  }
}
