import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ArtifactStore } from './artifact-store.js';
import { ArtifactsRepository } from './artifacts.repository.js';

export interface SweepReport {
  /** Stored files no row referenced, now deleted (model files, decoders, sample-grid PNGs alike). */
  removed: Array<{ sha256: string; bytes: number }>;
  removedBytes: number;
  /** Upload temporary files older than the grace period (left by a process that died mid-request). */
  uploadsRemoved: number;
  /** Files kept: referenced by a row, younger than the grace period, or locked by a submission in flight. */
  kept: { referenced: number; young: number; inUse: number };
  graceSeconds: number;
}

/**
 * Removes stored files that no row references (README.md, "API"). Nothing else deletes from the store: a
 * rejected submission never adopts its files, and one whose adoption fails removes only the files it created
 * itself, under their locks. Safe against submissions in flight: a file is deleted only while its advisory
 * lock is free (a submission holds it from adoption to commit) and when it is older than the grace period
 * (a file being adopted again gets a fresh modification time, which also covers sample grids, recorded
 * just after their adoption).
 */
@Injectable()
export class ArtifactSweeperService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('artifact-sweep');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepReport> | undefined;

  constructor(
    @Inject(ArtifactStore) private readonly store: ArtifactStore,
    @Inject(ArtifactsRepository) private readonly artifacts: ArtifactsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.artifactSweepIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.warn(`artifact sweep failed: ${(err as Error).message}`));
    }, this.config.artifactSweepIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass; a pass already running is joined rather than doubled. `graceMs` overrides the configured grace. */
  sweep(graceMs: number = this.config.artifactSweepGraceMs): Promise<SweepReport> {
    this.running ??= this.pass(graceMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(graceMs: number): Promise<SweepReport> {
    const cutoff = Date.now() - graceMs;
    const report: SweepReport = {
      removed: [],
      removedBytes: 0,
      uploadsRemoved: 0,
      kept: { referenced: 0, young: 0, inUse: 0 },
      graceSeconds: graceMs / 1000,
    };
    const old: Array<{ sha256: string; size: number }> = [];
    for await (const f of this.store.list()) {
      if (f.mtimeMs > cutoff) report.kept.young++;
      else old.push(f);
    }
    // One query for the many referenced files; each remaining candidate is checked again under its lock.
    for (let i = 0; i < old.length; i += 1000) {
      const batch = old.slice(i, i + 1000);
      const referenced = await this.artifacts.referenced(batch.map((f) => f.sha256));
      for (const f of batch) {
        if (referenced.has(f.sha256)) {
          report.kept.referenced++;
          continue;
        }
        const outcome = await this.artifacts.removeIfUnreferenced(f.sha256, async () => {
          const now = await stat(this.store.pathFor(f.sha256)).catch(() => undefined);
          if (!now || now.mtimeMs > cutoff) return false;
          await this.store.remove(f.sha256);
          return true;
        });
        if (outcome === 'removed') {
          report.removed.push({ sha256: f.sha256, bytes: f.size });
          report.removedBytes += f.size;
        } else if (outcome === 'referenced') report.kept.referenced++;
        else if (outcome === 'in-use') report.kept.inUse++;
        else report.kept.young++;
      }
    }
    report.uploadsRemoved = await this.removeStaleUploads(cutoff);
    if (report.removed.length || report.uploadsRemoved) {
      this.log.log(
        `removed ${report.removed.length} unreferenced artifact(s) (${report.removedBytes} bytes) and ${report.uploadsRemoved} stale upload(s)`,
      );
    }
    return report;
  }

  private async removeStaleUploads(cutoff: number): Promise<number> {
    const dir = this.config.uploadTmpDir;
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const st = await stat(join(dir, name)).catch(() => undefined);
      if (st?.isFile() && st.mtimeMs <= cutoff) {
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }
}
