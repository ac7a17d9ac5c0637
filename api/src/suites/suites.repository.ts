import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { ModelKind, Prisma } from '../generated/prisma/client.js';

@Injectable()
export class SuitesRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  findVersion(suiteId: string, version: number) {
    return this.prisma.suiteVersion.findUnique({ where: { suiteId_version: { suiteId, version } } });
  }

  async upsertSuite(data: { id: string; task: string; resolution: number; description: string }): Promise<void> {
    await this.prisma.suite.upsert({
      where: { id: data.id },
      create: data,
      update: { task: data.task, resolution: data.resolution, description: data.description },
    });
  }

  async createVersion(data: {
    suiteId: string;
    version: number;
    task: string;
    resolution: number;
    kinds: ModelKind[];
    primaryMetric: string;
    higherIsBetter: boolean;
    definition: Prisma.InputJsonValue;
  }) {
    return this.prisma.suiteVersion.upsert({
      where: { suiteId_version: { suiteId: data.suiteId, version: data.version } },
      create: data,
      update: {},
    });
  }

  /** Replaces a stored version's definition (sync, for a change that cannot alter scores). */
  async updateDefinition(suiteId: string, version: number, definition: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.suiteVersion.update({ where: { suiteId_version: { suiteId, version } }, data: { definition } });
  }

  listWithVersions() {
    return this.prisma.suite.findMany({ orderBy: { id: 'asc' }, include: { versions: { orderBy: { version: 'desc' } } } });
  }

  findOne(id: string) {
    return this.prisma.suite.findUnique({ where: { id }, include: { versions: { orderBy: { version: 'desc' } } } });
  }

  /** The newest version of every suite that scores `kind` at `resolution` (at any, when undefined). */
  async latestVersionsFor(kind: ModelKind, resolution: number | undefined) {
    const rows = await this.prisma.suiteVersion.findMany({
      where: { kinds: { has: kind }, resolution },
      orderBy: [{ suiteId: 'asc' }, { version: 'desc' }],
    });
    const seen = new Set<string>();
    return rows.filter((r) => (seen.has(r.suiteId) ? false : (seen.add(r.suiteId), true)));
  }
}
