import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';

/**
 * Advisory-lock key of one stored file: a submission holds it (exclusively) from before it adopts the file
 * until its rows commit or roll back, and the sweep deletes a file only while holding it, so a file is never
 * swept between its adoption and the commit of the row that references it. A collision of two hashes' keys
 * only serializes them.
 */
function lockKey(sha256: string): Prisma.Sql {
  return Prisma.sql`hashtextextended(${'genbench-artifact:' + sha256}, 0)`;
}

/** Row references to stored files: model versions' artifacts and extra files, evaluations' sample grids and kept samples (with the images their conditions name), shards' partial results. */
@Injectable()
export class ArtifactsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Locks the files of `sha256s` for the rest of transaction `tx` (sorted, so two submissions cannot deadlock). */
  static async lockFiles(tx: Prisma.TransactionClient, sha256s: readonly string[]): Promise<void> {
    for (const sha of [...new Set(sha256s)].sort()) await tx.$executeRaw`SELECT pg_advisory_xact_lock(${lockKey(sha)})`;
  }

  /** The subset of `sha256s` that some row references. */
  async referenced(sha256s: readonly string[], tx: Prisma.TransactionClient = this.prisma): Promise<Set<string>> {
    if (sha256s.length === 0) return new Set();
    const list = [...sha256s];
    const rows = await tx.$queryRaw<Array<{ sha256: string }>>`
      SELECT artifact_sha256 AS sha256 FROM model_versions WHERE artifact_sha256 = ANY(${list}::text[])
      UNION
      SELECT e->>'sha256' FROM model_versions mv,
        jsonb_array_elements(CASE WHEN jsonb_typeof(mv.extra_artifacts) = 'array' THEN mv.extra_artifacts ELSE '[]'::jsonb END) e
        WHERE e->>'sha256' = ANY(${list}::text[])
      UNION
      SELECT sample_grid_sha256 FROM evaluations WHERE sample_grid_sha256 = ANY(${list}::text[])
      UNION
      SELECT image_sha256 FROM evaluation_samples WHERE image_sha256 = ANY(${list}::text[])
      UNION
      SELECT i.value FROM evaluation_samples es,
        jsonb_each_text(CASE WHEN jsonb_typeof(es.condition->'images') = 'object' THEN es.condition->'images' ELSE '{}'::jsonb END) i
        WHERE i.value = ANY(${list}::text[])
      UNION
      SELECT partial_sha256 FROM evaluation_shards WHERE partial_sha256 = ANY(${list}::text[])`;
    return new Set(rows.map((r) => r.sha256));
  }

  /**
   * Runs `remove` for `sha256` only if no row references it and no submission holds its lock (then it
   * answers 'in-use' without waiting); the lock is held while `remove` runs.
   */
  removeIfUnreferenced(sha256: string, remove: () => Promise<boolean>): Promise<'removed' | 'referenced' | 'in-use' | 'kept'> {
    return this.prisma.$transaction(async (tx) => {
      const [{ locked }] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${lockKey(sha256)}) AS locked`;
      if (!locked) return 'in-use';
      if ((await this.referenced([sha256], tx)).size > 0) return 'referenced';
      return (await remove()) ? 'removed' : 'kept';
    });
  }
}
