import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

const ARENA_KINDS = ['generator', 'denoiser'] as const;

@Injectable()
export class ArenaRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  createSession(tokenHash: string) {
    return this.prisma.arenaSession.create({ data: { tokenHash } });
  }

  findSession(tokenHash: string) {
    return this.prisma.arenaSession.findUnique({ where: { tokenHash } });
  }

  newestSuiteVersion(suiteId: string) {
    return this.prisma.suiteVersion.findFirst({ where: { suiteId }, orderBy: { version: 'desc' } });
  }

  /**
   * The evaluations the arena may show on a suite version: succeeded, with a stored sample grid, of a
   * **public** version of a model the harness sampled itself (generators, denoisers: sample i has the
   * suite's class label or prompt and seed; a `samples` submission's files need not). Newest first.
   */
  showableEvaluations(suiteVersionId: string) {
    return this.prisma.evaluation.findMany({
      where: {
        suiteVersionId,
        status: 'succeeded',
        samples: { some: {} },
        modelVersion: { visibility: 'public', model: { kind: { in: [...ARENA_KINDS] } } },
      },
      orderBy: { finishedAt: 'desc' },
      select: { id: true, modelVersionId: true, samples: { select: { sampleIndex: true, condition: true } } },
    });
  }

  /** The kept PNG of one sample of an evaluation (evaluation_samples), or null. */
  keptSample(evaluationId: string, sampleIndex: number) {
    return this.prisma.evaluationSample.findUnique({
      where: { evaluationId_sampleIndex: { evaluationId, sampleIndex } },
      select: { imageSha256: true, mediaType: true },
    });
  }

  votesOfVoter(voter: string, suiteVersionId: string) {
    return this.prisma.arenaVote.findMany({
      where: { voter, suiteVersionId },
      select: { sampleIndex: true, evaluationLowId: true, evaluationHighId: true },
    });
  }

  /** Counted (not discarded) votes of a suite version, in the order a rating uses them. */
  countedVotes(suiteVersionId: string) {
    return this.prisma.arenaVote.findMany({
      where: { suiteVersionId, discardedAt: null },
      orderBy: { id: 'asc' },
      select: {
        id: true,
        choice: true,
        pair: { select: { leftEvaluation: { select: { modelVersionId: true } }, rightEvaluation: { select: { modelVersionId: true } } } },
      },
    });
  }

  createPair(data: { voter: string; suiteVersionId: string; sampleIndex: number; leftEvaluationId: string; rightEvaluationId: string }) {
    return this.prisma.arenaPair.create({ data });
  }

  findPair(id: string) {
    return this.prisma.arenaPair.findUnique({
      where: { id },
      include: {
        suiteVersion: { select: { suiteId: true, version: true } },
        leftEvaluation: {
          select: {
            id: true,
            modelVersion: { select: { version: true, visibility: true, model: { select: { name: true, owner: true } } } },
          },
        },
        rightEvaluation: {
          select: {
            id: true,
            modelVersion: { select: { version: true, visibility: true, model: { select: { name: true, owner: true } } } },
          },
        },
      },
    });
  }

  votesSince(voter: string, since: Date) {
    return this.prisma.arenaVote.count({ where: { voter, createdAt: { gte: since } } });
  }

  createVote(data: Prisma.ArenaVoteUncheckedCreateInput) {
    return this.prisma.arenaVote.create({ data });
  }

  discardVotes(voter: string, at: Date) {
    return this.prisma.arenaVote.updateMany({ where: { voter, discardedAt: null }, data: { discardedAt: at } });
  }

  async voters() {
    const [all, discarded] = await Promise.all([
      this.prisma.arenaVote.groupBy({ by: ['voter'], _count: { _all: true }, orderBy: { voter: 'asc' } }),
      this.prisma.arenaVote.groupBy({
        by: ['voter'],
        where: { discardedAt: { not: null } },
        _count: { _all: true },
        orderBy: { voter: 'asc' },
      }),
    ]);
    const d = new Map(discarded.map((r) => [r.voter, r._count._all]));
    return all.map((r) => ({ voter: r.voter, votes: r._count._all, discarded: d.get(r.voter) ?? 0 }));
  }

  suiteVersionsWithVotes(suiteId?: string) {
    return this.prisma.suiteVersion.findMany({
      where: { ...(suiteId ? { suiteId } : {}), arenaPairs: { some: { vote: { isNot: null } } } },
      orderBy: [{ suiteId: 'asc' }, { version: 'asc' }],
    });
  }

  /** Per model version, the metric values of its newest succeeded evaluation on the suite version. */
  async metricValues(suiteVersionId: string, modelVersionIds: string[]) {
    const rows = await this.prisma.evaluation.findMany({
      where: { suiteVersionId, status: 'succeeded', modelVersionId: { in: modelVersionIds } },
      orderBy: { finishedAt: 'desc' },
      select: { modelVersionId: true, metrics: { select: { metricId: true, value: true } } },
    });
    const out = new Map<string, Map<string, number>>();
    for (const r of rows) if (!out.has(r.modelVersionId)) out.set(r.modelVersionId, new Map(r.metrics.map((m) => [m.metricId, m.value])));
    return out;
  }

  latestRating(suiteVersionId: string) {
    return this.prisma.arenaRating.findFirst({ where: { suiteVersionId }, orderBy: { version: 'desc' } });
  }

  latestRatingOfSuite(suiteId: string) {
    return this.prisma.arenaRating.findFirst({
      where: { suiteVersion: { suiteId } },
      orderBy: [{ suiteVersion: { version: 'desc' } }, { version: 'desc' }],
      include: { suiteVersion: true },
    });
  }

  /** Stores a rating version; the unique (suite version, version) refuses a concurrent twin (409). */
  createRating(data: {
    suiteVersionId: string;
    version: number;
    seed: number;
    algorithm: string;
    resamples: number;
    voteIds: string[];
    entries: Prisma.InputJsonValue;
    agreement: Prisma.InputJsonValue;
  }) {
    return this.prisma.arenaRating.create({ data });
  }

  modelVersions(ids: string[]) {
    return this.prisma.modelVersion.findMany({
      where: { id: { in: ids } },
      select: { id: true, version: true, visibility: true, model: { select: { name: true, owner: true } } },
    });
  }
}
