import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Content-addressed artifact storage: a file lives at <root>/sha256/<first two hex>/<hash>, never at a path
 * a user chose. Writes are a rename within one filesystem, so a reader never sees half a file.
 */
export class ArtifactStore {
  constructor(readonly root: string) {}

  static async sha256File(path: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { sha256: hash.digest('hex'), size };
  }

  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return access(this.pathFor(sha256)).then(
      () => true,
      () => false,
    );
  }

  /**
   * Moves a verified temporary file into the store (same filesystem); identical content is stored once.
   * `created`: whether this call put the file there (false: it was already stored). A file already there
   * gets a fresh modification time, so a sweep (artifact-sweeper.service.ts) spares it for its grace period
   * while the caller records the row that references it.
   */
  async adopt(tmpPath: string, sha256: string): Promise<{ path: string; created: boolean }> {
    const dest = this.pathFor(sha256);
    if (await this.has(sha256)) {
      const now = new Date();
      await utimes(dest, now, now).catch(() => undefined);
      await rm(tmpPath, { force: true });
      return { path: dest, created: false };
    }
    await mkdir(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
    await rename(tmpPath, dest);
    return { path: dest, created: true };
  }

  /** Removes a stored file (missing is fine). Only the sweep and a failed adoption of one's own file call this. */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathFor(sha256), { force: true });
  }

  /** Every stored file: its hash, size and modification time. */
  async *list(): AsyncGenerator<{ sha256: string; size: number; mtimeMs: number }> {
    const top = join(this.root, 'sha256');
    const shards = await readdir(top).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    for (const shard of shards.sort()) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      const names = await readdir(join(top, shard)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        if (!/^[0-9a-f]{64}$/.test(name) || name.slice(0, 2) !== shard) continue;
        const st = await stat(join(top, shard, name)).catch(() => undefined);
        if (st?.isFile()) yield { sha256: name, size: st.size, mtimeMs: st.mtimeMs };
      }
    }
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.pathFor(sha256))).size;
  }
}
