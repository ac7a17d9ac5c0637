import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArrayFileError, NpzWriter, openNpz, readNpz, writeNpz, type NdArray } from './npz.js';
import { DTYPES, type DType } from './npy.js';

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'npz/expected.json'), 'utf8'));
const adm = expected['adm_batch_stored.npz / adm_batch_deflated.npz'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'genbench-npz-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const values = (a: NdArray) => Array.from(a.data as ArrayLike<number | bigint>, (x) => Number(x));
const total = (a: NdArray) => values(a).reduce((s, x) => s + x, 0);

function ramp(dtype: DType, shape: number[]): NdArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const f = (i: number) => (i * 7919) % 200;
  const data =
    dtype === 'int64'
      ? BigInt64Array.from({ length: n }, (_, i) => BigInt(f(i)) - 100n)
      : dtype === 'float32'
        ? Float32Array.from({ length: n }, (_, i) => f(i) / 3)
        : dtype === 'float64'
          ? Float64Array.from({ length: n }, (_, i) => f(i) / 3)
          : dtype === 'int8'
            ? Int8Array.from({ length: n }, (_, i) => f(i) - 100)
            : dtype === 'int16'
              ? Int16Array.from({ length: n }, (_, i) => f(i) * 100 - 9000)
              : dtype === 'uint16'
                ? Uint16Array.from({ length: n }, (_, i) => f(i) * 300)
                : dtype === 'int32'
                  ? Int32Array.from({ length: n }, (_, i) => f(i) * 1e6 - 7)
                  : Uint8Array.from({ length: n }, (_, i) => (dtype === 'bool' ? f(i) & 1 : f(i)));
  return { dtype, shape, data };
}

describe('readNpz on numpy-written archives (exact)', () => {
  it.each([['adm_batch_stored.npz'], ['adm_batch_deflated.npz']])(
    '%s: ADM sample batch arr_0 uint8 NHWC and arr_1 int64 labels',
    async (file) => {
      const a = await readNpz(join(FIXTURES, 'npz', file));
      expect(Object.keys(a)).toEqual(['arr_0', 'arr_1']);
      for (const key of ['arr_0', 'arr_1']) {
        expect(a[key].dtype).toBe(adm[key].dtype);
        expect(a[key].shape).toEqual(adm[key].shape);
        expect(total(a[key])).toBe(adm[key].sum);
        expect(values(a[key]).slice(0, 5)).toEqual(adm[key].first);
      }
      expect(a.arr_1.data).toBeInstanceOf(BigInt64Array);
    },
  );

  it('stored and deflated metric fixtures give the same pool features', async () => {
    const deflated = await readNpz(join(FIXTURES, 'metrics/case1_reference.npz'));
    const stored = await readNpz(join(FIXTURES, 'metrics/case1_samples.npz'));
    expect(deflated.pool.shape).toEqual([2500, 64]);
    expect(stored.pool.shape[1]).toBe(64);
    expect(Object.keys(stored)).toEqual(['pool', 'spatial', 'logits']);
  });
});

describe('writeNpz / readNpz round trip', () => {
  it.each([[false], [true]])('every dtype, 0-d and empty arrays, compress=%s, bit-exact', async (compress) => {
    const arrays: Record<string, NdArray> = {};
    for (const d of DTYPES) arrays[`a_${d}`] = ramp(d, [3, 5, 2]);
    arrays.scalar = ramp('float64', []);
    arrays.empty = ramp('float32', [0, 4]);
    const path = join(dir, 'rt.npz');
    await writeNpz(path, arrays, { compress });
    const back = await readNpz(path);
    expect(Object.keys(back)).toEqual(Object.keys(arrays));
    for (const [k, a] of Object.entries(arrays)) {
      expect(back[k].dtype).toBe(a.dtype);
      expect(back[k].shape).toEqual(a.shape);
      expect(values(back[k])).toEqual(values(a));
    }
    const r = await openNpz(path);
    expect(r.entries.every((e) => e.compressed === compress)).toBe(true);
    await r.close();
    expect(readdirSync(dir)).toEqual(['rt.npz']);
  });

  it('writes equal bytes for equal arrays (fixed timestamps)', async () => {
    const a = { x: ramp('uint8', [10, 3]) };
    await writeNpz(join(dir, '1.npz'), a, { compress: true });
    await writeNpz(join(dir, '2.npz'), a, { compress: true });
    expect(readFileSync(join(dir, '1.npz')).equals(readFileSync(join(dir, '2.npz')))).toBe(true);
  });

  it('reads and writes Zip64 end records and extra fields', async () => {
    const path = join(dir, 'z64.npz');
    const w = await NpzWriter.create(path, { forceZip64: true });
    await w.add('x', ramp('int32', [7, 3]));
    await w.add('y', ramp('float32', [2]), { compress: true });
    await w.close();
    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const back = await readNpz(path);
    expect(values(back.x)).toEqual(values(ramp('int32', [7, 3])));
    expect(values(back.y)).toEqual(values(ramp('float32', [2])));
  });
});

describe('streaming reads', () => {
  it.each([[false], [true]])('readRows and rows() agree with a whole read (compress=%s), in any order', async (compress) => {
    const path = join(dir, 's.npz');
    const a = ramp('uint8', [50, 4, 4, 3]);
    await writeNpz(path, { arr_0: a, arr_1: ramp('int64', [50]) }, { compress });
    const r = await openNpz(path);
    try {
      expect(r.entry('arr_0')).toMatchObject({ dtype: 'uint8', shape: [50, 4, 4, 3], compressed: compress });
      const row = 48;
      for (const [start, count] of [
        [10, 5],
        [30, 20],
        [0, 3],
        [49, 1],
        [20, 0],
      ]) {
        const part = await r.readRows('arr_0', start, count);
        expect(part.shape).toEqual([count, 4, 4, 3]);
        expect(Array.from(part.data as Uint8Array)).toEqual(
          Array.from((a.data as Uint8Array).subarray(start * row, (start + count) * row)),
        );
      }
      const chunks: number[] = [];
      const seen: number[] = [];
      for await (const c of r.rows('arr_0', { batchRows: 7 })) {
        chunks.push(c.shape[0]);
        seen.push(...(c.data as Uint8Array));
      }
      expect(chunks).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
      expect(seen).toEqual(Array.from(a.data as Uint8Array));
      const tail: number[] = [];
      for await (const c of r.rows('arr_1', { start: 45, batchRows: 2 })) tail.push(...values(c));
      expect(tail).toEqual(values(ramp('int64', [50])).slice(45));
    } finally {
      await r.close();
    }
  });

  it('reads rows of the numpy-written deflated fixture', async () => {
    const r = await openNpz(join(FIXTURES, 'npz/adm_batch_deflated.npz'));
    const rows = await r.readRows('arr_0', 0, 1);
    expect(Array.from(rows.data.subarray(0, 5) as Uint8Array)).toEqual(adm.arr_0.first);
    await expect(r.readRows('arr_0', 10, 7)).rejects.toThrow(RangeError);
    await r.close();
  });
});

describe('NpzWriter', () => {
  it('streams rows of a known final shape in uneven chunks, deflated or stored', async () => {
    for (const compress of [false, true]) {
      const path = join(dir, `w${compress}.npz`);
      const full = ramp('uint8', [23, 8, 8, 3]);
      const w = await NpzWriter.create(path, { compress });
      await w.begin('arr_0', 'uint8', [23, 8, 8, 3]);
      for (const [s, e] of [
        [0, 5],
        [5, 6],
        [6, 23],
      ])
        await w.append({ dtype: 'uint8', shape: [e - s, 8, 8, 3], data: (full.data as Uint8Array).subarray(s * 192, e * 192) });
      await w.end();
      await w.add('arr_1', ramp('int64', [23]));
      await w.close();
      const back = await readNpz(path);
      expect(values(back.arr_0)).toEqual(values(full));
      expect(back.arr_1.shape).toEqual([23]);
    }
  });

  it('refuses wrong dtypes, partial rows, overflow, early end and duplicate keys; abort leaves no file', async () => {
    const path = join(dir, 'bad.npz');
    const w = await NpzWriter.create(path);
    await w.begin('x', 'float32', [4, 2]);
    await expect(w.append(new Float64Array(2))).rejects.toThrow(/needs a Float32Array/);
    await expect(w.append(new Float32Array(3))).rejects.toThrow(/not a whole number of rows/);
    await expect(w.append({ dtype: 'float32', shape: [1, 3], data: new Float32Array(3) })).rejects.toThrow(/rows of shape \[2\]/);
    await w.append(new Float32Array(6));
    await expect(w.append(new Float32Array(4))).rejects.toThrow(/more data than its shape/);
    await expect(w.end()).rejects.toThrow(/6 of 8 elements written/);
    await w.append(new Float32Array(2));
    await w.end();
    await expect(w.begin('x', 'uint8', [1])).rejects.toThrow(/duplicate key 'x'/);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('bad archives fail with ArrayFileError naming the file and the problem', () => {
  async function written(compress: boolean): Promise<{ path: string; bytes: Buffer }> {
    const path = join(dir, 'good.npz');
    await writeNpz(path, { a: ramp('float32', [64, 16]) }, { compress });
    return { path, bytes: readFileSync(path) };
  }

  it('not a zip at all', async () => {
    const path = join(dir, 'junk.npz');
    writeFileSync(path, Buffer.from('this is not a zip archive, not even close'.repeat(3)));
    await expect(readNpz(path)).rejects.toThrow(ArrayFileError);
    await expect(readNpz(path)).rejects.toThrow(`${path}: not a zip archive or truncated`);
  });

  it('missing file', async () => {
    await expect(readNpz(join(dir, 'nope.npz'))).rejects.toThrow(/nope\.npz: cannot open \(ENOENT\)/);
  });

  it('truncated archive', async () => {
    const { path, bytes } = await written(false);
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    await expect(readNpz(path)).rejects.toThrow(/good\.npz: not a zip archive or truncated/);
    writeFileSync(path, bytes.subarray(0, 2000));
    await expect(readNpz(path)).rejects.toThrow(ArrayFileError);
  });

  it('a flipped data byte in a stored entry is a CRC mismatch', async () => {
    const { path, bytes } = await written(false);
    bytes[500] ^= 0xff;
    writeFileSync(path, bytes);
    await expect(readNpz(path)).rejects.toThrow(/good\.npz: corrupt zip archive: CRC-32 mismatch in entry a\.npy/);
  });

  it('damaged deflate data', async () => {
    const { path, bytes } = await written(true);
    for (let i = 150; i < 400; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    await expect(readNpz(path)).rejects.toThrow(/good\.npz: (corrupt deflate data|corrupt zip archive: CRC-32 mismatch)/);
  });

  it('an entry that is not an .npy array', async () => {
    const { path, bytes } = await written(false);
    const at = bytes.indexOf(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]));
    bytes[at + 1] = 0x58;
    writeFileSync(path, bytes);
    await expect(readNpz(path)).rejects.toThrow(/good\.npz\[a\.npy\]: not a \.npy array \(bad magic/);
  });

  it('missing key names the keys present', async () => {
    const { path } = await written(false);
    const r = await openNpz(path);
    await expect(r.read('pool')).rejects.toThrow(/missing key 'pool' \(the archive holds: a\)/);
    await r.close();
  });
});

describe('Fortran-order entries', () => {
  it('are read whole, by rows and by row chunks as the logical C-order array', async () => {
    // numpy's Fortran-order and C-order fixtures, zipped by another writer (fflate) as a stored archive.
    const npy = readFileSync(join(FIXTURES, 'npz/float64_fortran.npy'));
    const c = readFileSync(join(FIXTURES, 'npz/float64_c.npy'));
    const path = join(dir, 'f.npz');
    writeFileSync(path, zipSync({ 'f.npy': new Uint8Array(npy), 'c.npy': new Uint8Array(c) }, { level: 0 }));
    const r = await openNpz(path);
    try {
      expect(r.entry('f')).toMatchObject({ fortranOrder: true, shape: [5, 7] });
      const want = values(await r.read('c'));
      expect(values(await r.read('f'))).toEqual(want);
      expect(values(await r.readRows('f', 2, 2))).toEqual(want.slice(14, 28));
      const got: number[] = [];
      for await (const chunk of r.rows('f', { batchRows: 2 })) got.push(...values(chunk));
      expect(got).toEqual(want);
    } finally {
      await r.close();
    }
  });
});
