import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

/** A kept sample as the runner reports it, its PNG (or animated WebP) already in the artifact store. */
export interface SampleRow {
  sampleIndex: number;
  imageSha256: string;
  width: number;
  height: number;
  /** `image/png`, or `image/webp` for a video's animated preview. */
  mediaType: string;
  frames: number | null;
  condition: Prisma.InputJsonValue;
}

/** The kept samples of evaluations (issue #20.1): the only file here that says `prisma.`. */
@Injectable()
export class EvaluationSamplesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /**
   * Records samples of a running or succeeded evaluation; an index already recorded keeps its row (a retried
   * upload stores nothing twice). Null when the evaluation is in neither state; else the rows now stored.
   */
  record(evaluationId: string, rows: readonly SampleRow[]): Promise<{ inserted: number; total: number } | null> {
    return this.prisma.$transaction(async (tx) => {
      // Locks the evaluation's row so that a cancellation cannot land between the check and the insert.
      const [e] = await tx.$queryRaw<
        Array<{ status: string }>
      >`SELECT status::text FROM evaluations WHERE id = ${evaluationId}::uuid FOR SHARE`;
      if (!e || (e.status !== 'running' && e.status !== 'succeeded')) return null;
      const { count } = await tx.evaluationSample.createMany({ data: rows.map((r) => ({ ...r, evaluationId })), skipDuplicates: true });
      return { inserted: count, total: await tx.evaluationSample.count({ where: { evaluationId } }) };
    });
  }

  list(evaluationId: string) {
    return this.prisma.evaluationSample.findMany({ where: { evaluationId }, orderBy: { sampleIndex: 'asc' } });
  }

  find(evaluationId: string, sampleIndex: number) {
    return this.prisma.evaluationSample.findUnique({ where: { evaluationId_sampleIndex: { evaluationId, sampleIndex } } });
  }
}
