import { createHash } from 'node:crypto';

/**
 * Reads a version that changes whenever the data behind it changes (here leaderboard_state.version, bumped
 * at commit by the triggers of migration 20261204000100_leaderboard_version), sharing one query among the
 * reads that arrive together. A read never joins a query that started before it arrived: it waits for the
 * next one, so it sees every commit that finished before the request came in.
 */
export class SharedVersionReader {
  private running: Promise<bigint> | undefined;
  private queued: Promise<bigint> | undefined;

  constructor(private readonly query: () => Promise<bigint>) {}

  current(): Promise<bigint> {
    if (!this.running) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<bigint> {
    const p: Promise<bigint> = this.query().finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }
}

/** A rendered response: the value (for exports), its JSON body and a weak ETag of that body. */
export interface Rendered<T> {
  readonly value: T;
  readonly body: Buffer;
  readonly etag: string;
}

export function render<T>(value: T): Rendered<T> {
  const body = Buffer.from(JSON.stringify(value));
  return { value, body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
}

/**
 * Rendered responses by key, all valid for one version of the data: a newer version empties the cache. A
 * render started for a key is shared by the reads of that key that arrive while it runs. Bounded by entry
 * count and body bytes (oldest dropped first).
 */
export class VersionedCache<T> {
  private version: bigint | undefined;
  private readonly entries = new Map<string, { rendering: Promise<Rendered<T>>; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly versions: SharedVersionReader,
    private readonly limits: { entries: number; bytes: number } = { entries: 512, bytes: 32 * 1024 * 1024 },
  ) {}

  async get(key: string, make: () => Promise<T>): Promise<Rendered<T>> {
    const version = await this.versions.current();
    if (this.version === undefined || version > this.version) {
      this.clear();
      this.version = version;
    } else if (version < this.version) {
      // This read's version query finished after a newer one (the reads overlapped): what it renders may
      // predate the cached version, so it is answered without being stored.
      return render(await make());
    }
    const hit = this.entries.get(key);
    if (hit) return hit.rendering;
    const entry = { rendering: make().then(render), bytes: 0 };
    this.entries.set(key, entry);
    try {
      const rendered = await entry.rendering;
      if (this.entries.get(key) === entry) {
        entry.bytes = rendered.body.length;
        this.bytes += entry.bytes;
        this.evict();
      }
      return rendered;
    } catch (err) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw err;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) return;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
