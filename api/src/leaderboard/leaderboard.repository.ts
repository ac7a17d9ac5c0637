import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

@Injectable()
export class LeaderboardRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Suite versions matching the filter, newest version of each suite first. */
  suiteVersions(filter: { task?: string; resolution?: number; suiteId?: string }) {
    return this.prisma.suiteVersion.findMany({
      where: { task: filter.task, resolution: filter.resolution, suiteId: filter.suiteId },
      orderBy: [{ suiteId: 'asc' }, { version: 'desc' }],
    });
  }

  succeededOn(suiteVersionId: string) {
    return this.prisma.evaluation.findMany({
      where: { suiteVersionId, status: 'succeeded' },
      orderBy: { finishedAt: 'desc' },
      include: { metrics: true, modelVersion: { include: { model: true } } },
    });
  }
}
