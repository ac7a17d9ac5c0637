import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
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

  /** Moves a verified temporary file into the store (same filesystem); identical content is stored once. */
  async adopt(tmpPath: string, sha256: string): Promise<string> {
    const dest = this.pathFor(sha256);
    if (await this.has(sha256)) {
      await rm(tmpPath, { force: true });
      return dest;
    }
    await mkdir(join(this.root, 'sha256', sha256.slice(0, 2)), { recursive: true });
    await rename(tmpPath, dest);
    return dest;
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.pathFor(sha256))).size;
  }
}
