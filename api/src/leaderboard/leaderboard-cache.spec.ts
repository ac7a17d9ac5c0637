import { describe, expect, it } from 'vitest';
import { SharedVersionReader, VersionedCache } from './leaderboard-cache.js';

/** A version query the test finishes by hand. */
function controlledQuery() {
  const pending: Array<(v: bigint) => void> = [];
  let started = 0;
  const query = () =>
    new Promise<bigint>((resolve) => {
      started++;
      pending.push(resolve);
    });
  return { query, finish: (v: bigint) => pending.shift()!(v), started: () => started };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SharedVersionReader', () => {
  it('lets reads that arrive during a query wait for one query started after them, shared among them', async () => {
    const q = controlledQuery();
    const reader = new SharedVersionReader(q.query);
    const first = reader.current();
    const second = reader.current(); // arrives while the first query runs: must not take its answer
    const third = reader.current();
    expect(q.started()).toBe(1);
    q.finish(1n);
    expect(await first).toBe(1n);
    await tick();
    expect(q.started()).toBe(2);
    q.finish(2n);
    expect(await second).toBe(2n);
    expect(await third).toBe(2n);
  });

  it('recovers after a failed query', async () => {
    let n = 0;
    const reader = new SharedVersionReader(async () => {
      if (n++ === 0) throw new Error('down');
      return 7n;
    });
    await expect(reader.current()).rejects.toThrow('down');
    expect(await reader.current()).toBe(7n);
  });
});

describe('VersionedCache', () => {
  function cacheAt(version: { v: bigint }, limits?: { entries: number; bytes: number }) {
    return new VersionedCache<{ n: number }>(new SharedVersionReader(async () => version.v), limits);
  }

  it('renders once per key and version, and again when the version moves on', async () => {
    const version = { v: 1n };
    const cache = cacheAt(version);
    let renders = 0;
    const make = async () => ({ n: ++renders });
    const [a, b] = await Promise.all([cache.get('k', make), cache.get('k', make)]);
    expect(renders).toBe(1);
    expect(a).toBe(b);
    expect(JSON.parse(a.body.toString())).toEqual({ n: 1 });
    expect((await cache.get('k', make)).etag).toBe(a.etag);
    version.v = 2n;
    const c = await cache.get('k', make);
    expect(c.value).toEqual({ n: 2 });
    expect(c.etag).not.toBe(a.etag);
  });

  it('does not keep a failed render', async () => {
    const cache = cacheAt({ v: 1n });
    await expect(
      cache.get('k', async () => {
        throw new Error('query failed');
      }),
    ).rejects.toThrow('query failed');
    expect((await cache.get('k', async () => ({ n: 3 }))).value).toEqual({ n: 3 });
  });

  it('answers a read that saw an older version without storing what it rendered', async () => {
    const versions = [5n, 4n];
    const cache = new VersionedCache<{ n: number }>(new SharedVersionReader(async () => versions.shift() ?? 5n));
    await cache.get('a', async () => ({ n: 1 }));
    const stale = await cache.get('b', async () => ({ n: 2 }));
    expect(stale.value).toEqual({ n: 2 });
    expect(cache.size).toBe(1);
  });

  it('drops the oldest entries beyond its limits', async () => {
    const cache = cacheAt({ v: 1n }, { entries: 2, bytes: 1 << 20 });
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => ({ n: 0 }));
    expect(cache.size).toBe(2);
    let rendered = false;
    await cache.get('a', async () => {
      rendered = true;
      return { n: 0 };
    });
    expect(rendered).toBe(true);
  });
});
