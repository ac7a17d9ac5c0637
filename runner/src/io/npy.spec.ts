import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArrayFileError, DTYPES, encodeNpy, encodeNpyHeader, readNpy, type DType, type NdArray } from './npy.js';

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures/npz');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const load = (name: string) => readNpy(readFileSync(join(FIXTURES, name)), name);
const sum = (a: NdArray) => Array.from(a.data as ArrayLike<number>).reduce((s, x) => s + Number(x), 0);

function sample(dtype: DType, n: number): NdArray['data'] {
  const values = Array.from({ length: n }, (_, i) => (i * 37) % 251);
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values, (v) => v / 7 - 3);
    case 'float64':
      return Float64Array.from(values, (v) => v / 7 - 3);
    case 'uint8':
      return Uint8Array.from(values);
    case 'bool':
      return Uint8Array.from(values, (v) => v & 1);
    case 'int8':
      return Int8Array.from(values, (v) => v - 125);
    case 'int16':
      return Int16Array.from(values, (v) => v * 100 - 12000);
    case 'uint16':
      return Uint16Array.from(values, (v) => v * 250);
    case 'int32':
      return Int32Array.from(values, (v) => v * 1e6 - 1e8);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v) * 10n ** 15n - 2n ** 60n);
  }
}

/** A `.npy` file assembled by hand, for inputs numpy writes but our encoder never does. */
function handMade(headerDict: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + headerDict.length + 1) / 64) * 64;
  const text = headerDict.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[pre + i] = text.charCodeAt(i);
  out.set(data, total);
  return out;
}

describe('readNpy on numpy-written fixtures (exact)', () => {
  it('float64 C order: shape, sum and first row', () => {
    const a = load('float64_c.npy');
    const e = expected['float64_c.npy'];
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual(e.shape);
    expect(sum(a)).toBeCloseTo(e.sum as number, 12);
    expect(Array.from(a.data.subarray(0, 7) as Float64Array)).toEqual(e.row0);
  });

  it('Fortran order is transposed to the same logical array as the C-order file', () => {
    const f = load('float64_fortran.npy');
    const c = load('float64_c.npy');
    expect(f.shape).toEqual(expected['float64_fortran.npy'].shape);
    expect(Array.from(f.data as Float64Array)).toEqual(Array.from(c.data as Float64Array));
  });

  it("big-endian '>f4' is converted to native order", () => {
    const a = load('float32_bigendian.npy');
    expect(a.dtype).toBe('float32');
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data.subarray(0, 7) as Float32Array)).toEqual(expected['float32_bigendian.npy'].row0);
  });

  it('3-d int32', () => {
    const a = load('int32_3d.npy');
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([2, 3, 4]);
    expect(sum(a)).toBe(expected['int32_3d.npy'].sum);
  });

  it('0-d scalar', () => {
    const a = load('scalar.npy');
    expect(a.shape).toEqual([]);
    expect(Array.from(a.data as Float64Array)).toEqual([expected['scalar.npy'].value]);
  });
});

describe('encodeNpy', () => {
  it.each(DTYPES.map((d) => [d]))('round-trips %s exactly, including 0-d and empty arrays', (dtype) => {
    for (const shape of [[], [0], [5], [3, 4], [2, 3, 0], [2, 1, 3, 2]]) {
      const n = shape.reduce((p, d) => p * d, 1);
      const a: NdArray = { dtype, shape, data: sample(dtype, n) };
      const back = readNpy(encodeNpy(a));
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual(shape);
      expect(back.data.constructor).toBe(a.data.constructor);
      expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(a.data as ArrayLike<number>));
    }
  });

  it('writes the header numpy writes, padded so data starts on a 64-byte boundary', () => {
    const h = encodeNpyHeader('float32', [5, 7]);
    expect(h.length % 64).toBe(0);
    const text = new TextDecoder('latin1').decode(h.subarray(10));
    expect(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 7), }")).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(new TextDecoder('latin1').decode(encodeNpyHeader('uint8', [3]).subarray(10))).toContain("'shape': (3,)");
    expect(new TextDecoder('latin1').decode(encodeNpyHeader('bool', []).subarray(10))).toContain("'descr': '|b1'");
  });

  it('refuses data that does not match the dtype or the shape', () => {
    expect(() => encodeNpy({ dtype: 'float32', shape: [2], data: new Float64Array(2) })).toThrow(/needs a Float32Array/);
    expect(() => encodeNpy({ dtype: 'int32', shape: [2, 2], data: new Int32Array(3) })).toThrow(/needs 4 elements/);
  });
});

describe('readNpy on hand-made edge cases', () => {
  it('transposes a 3-d Fortran-order array', () => {
    // Logical a[i][j][k] = 100i + 10j + k with shape (2, 3, 4), stored first index fastest.
    const shape = [2, 3, 4];
    const f = new Int16Array(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) f[i + 2 * (j + 3 * k)] = 100 * i + 10 * j + k;
    const a = readNpy(handMade("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3, 4), }", new Uint8Array(f.buffer)));
    expect(a.shape).toEqual(shape);
    const c = Array.from({ length: 24 }, (_, x) => 100 * Math.floor(x / 12) + 10 * (Math.floor(x / 4) % 3) + (x % 4));
    expect(Array.from(a.data as Int16Array)).toEqual(c);
  });

  it('reads big-endian int64 and uint16, format version 2.0, and bool bytes other than 0/1', () => {
    const be = new Uint8Array(16);
    new DataView(be.buffer).setBigInt64(0, -5n, false);
    new DataView(be.buffer).setBigInt64(8, 2n ** 40n, false);
    expect(Array.from(readNpy(handMade("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", be)).data as BigInt64Array)).toEqual([
      -5n,
      2n ** 40n,
    ]);
    const u = readNpy(handMade("{'descr': '>u2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array([0x12, 0x34]), 2));
    expect(Array.from(u.data as Uint16Array)).toEqual([0x1234]);
    const b = readNpy(handMade("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new Uint8Array([0, 2, 1])));
    expect(Array.from(b.data as Uint8Array)).toEqual([0, 1, 1]);
  });

  it('fails with ArrayFileError naming the source on bad magic', () => {
    const bytes = encodeNpy({ dtype: 'uint8', shape: [1], data: new Uint8Array(1) });
    bytes[1] = 0x41;
    expect(() => readNpy(bytes, 'x.npy')).toThrow(ArrayFileError);
    expect(() => readNpy(bytes, 'x.npy')).toThrow(/^x\.npy: not a \.npy array \(bad magic/);
  });

  it('refuses unsupported dtypes with the dtype in the message', () => {
    for (const descr of ['<f2', '<c8', '<u4', '|O', '<M8']) {
      expect(() =>
        readNpy(handMade(`{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(16)), 'x.npy'),
      ).toThrow(`unsupported dtype '${descr}'`);
    }
    expect(() => readNpy(handMade("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)))).toThrow(
      /structured/,
    );
  });

  it('refuses truncated data and truncated headers', () => {
    const full = encodeNpy({ dtype: 'float64', shape: [4], data: new Float64Array(4) });
    expect(() => readNpy(full.subarray(0, full.length - 1), 'cut.npy')).toThrow(/cut\.npy: truncated array data.*needs 32 bytes, found 31/);
    expect(() => readNpy(full.subarray(0, 40), 'cut.npy')).toThrow(/truncated \.npy header/);
  });

  it('refuses an unknown format version and an unparsable header', () => {
    const v9 = encodeNpy({ dtype: 'uint8', shape: [1], data: new Uint8Array(1) });
    v9[6] = 9;
    expect(() => readNpy(v9)).toThrow(/unsupported \.npy format version 9/);
    expect(() => readNpy(handMade("{'descr': '<f4', 'fortran_order': Maybe, }", new Uint8Array(4)))).toThrow(/unreadable \.npy header/);
    expect(() => readNpy(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new Uint8Array(4)))).toThrow(
      /invalid 'shape'/,
    );
  });
});
