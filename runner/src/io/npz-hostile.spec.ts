import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  concat,
  deflatedNpy,
  deflatedZeros,
  handZip,
  honestSizeBomb,
  longHeaderBomb,
  MiB,
  storedNpy,
  type HandEntry,
} from '../../../test/support/hostile-npz.js';
import { inspectSampleBatch } from '../inspect/inspect-samples.js';
import { encodeNpyHeader, MAX_NPY_HEADER_LENGTH, parseNpyHeader, readNpy } from './npy.js';
import { NpzWriter, openNpz, readNpz } from './npz.js';
import { MAX_ENTRIES, METHOD_DEFLATE, METHOD_STORED } from './zip.js';

const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'genbench-hostile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Opens, reads every row and verifies: the three ways the runner reads an upload. */
async function readEveryWay(path: string): Promise<void> {
  const r = await openNpz(path);
  try {
    for (const { name, shape } of r.entries) {
      if (shape.length > 0) for await (const _ of r.rows(name)) void _;
    }
    await r.verify();
  } finally {
    await r.close();
  }
}

const pixels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);

describe('decompression bombs: inflation stops at the declared size', () => {
  it('an entry whose stream inflates past the size its header and directory declare fails when read, by rows or verified', async () => {
    // [1024, 32, 32, 3] declared (3 MiB), 64 MiB more zeros in the stream; the CRC matches the declared bytes.
    const path = file('bomb.npz', honestSizeBomb([1024, 32, 32, 3], 64));
    expect(readFileSync(path).length).toBeLessThan(80 * 1024);
    const r = await openNpz(path);
    try {
      expect(r.entry('arr_0')).toMatchObject({ dtype: 'uint8', shape: [1024, 32, 32, 3], compressed: true });
      await expect(r.verify()).rejects.toThrow(/bomb\.npz: entry arr_0\.npy inflates to more than the 3145856 bytes .*decompression bomb/);
      const rows = async () => {
        for await (const _ of r.rows('arr_0', { batchRows: 64 })) void _;
      };
      await expect(rows()).rejects.toThrow(/decompression bomb/);
      await expect(r.read('arr_0')).rejects.toThrow(/decompression bomb/);
      await expect(r.readRows('arr_0', 0, 1024)).rejects.toThrow(/decompression bomb/);
    } finally {
      await r.close();
    }
  });

  it('the same bomb with Zip64 records', async () => {
    const path = file('bomb64.npz', honestSizeBomb([64, 32, 32, 3], 16, { forceZip64: true }));
    expect(readFileSync(path).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    await expect(readEveryWay(path)).rejects.toThrow(/decompression bomb/);
  });

  it('a directory that declares what the stream inflates to, past what the .npy header accounts for, is refused on open', async () => {
    const header = encodeNpyHeader('uint8', [64, 32, 32, 3]);
    const stream = deflatedZeros(header, 40);
    const size = header.length + 40 * MiB;
    const entry: HandEntry = { name: 'arr_0.npy', method: METHOD_DEFLATE, data: stream, crc32: 0, uncompressedSize: size };
    const path = file('lying-header.npz', handZip([entry]));
    await expect(openNpz(path)).rejects.toThrow(
      `lying-header.npz: entry arr_0.npy declares ${size} bytes, but its .npy header (shape [64, 32, 32, 3] uint8) accounts for ${header.length + 64 * 3072}`,
    );
  });

  it('a stream that ends before the declared size is corrupt, not short data', async () => {
    const entry = deflatedNpy('a.npy', 'uint8', [8, 4], pixels(32));
    const short = deflateRawSync(concat([encodeNpyHeader('uint8', [8, 4]), pixels(20)]));
    const path = file('short.npz', handZip([{ ...entry, data: short }]));
    await expect(readEveryWay(path)).rejects.toThrow(
      /short\.npz: corrupt deflate data in entry a\.npy: it inflates to \d+ bytes, fewer than/,
    );
  });
});

describe('.npy header lengths are capped at numpy.load’s 10,000 bytes', () => {
  it('a 64 MiB header length in an archive is refused before it is read', async () => {
    const path = file('long-header.npz', longHeaderBomb(64));
    expect(readFileSync(path).length).toBeLessThan(200 * 1024);
    await expect(openNpz(path)).rejects.toThrow(
      `long-header.npz[arr_0.npy]: the .npy header declares a length of ${64 * MiB} bytes; at most ${MAX_NPY_HEADER_LENGTH} are read`,
    );
  });

  it('a bare .npy whose format-1.0 header is longer than the cap, and one just under it', () => {
    const header = (length: number) => {
      const dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }";
      const bytes = new Uint8Array(10 + length + 2);
      bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(bytes.buffer).setUint16(8, length, true);
      const text = dict.padEnd(length - 1, ' ') + '\n';
      for (let i = 0; i < text.length; i++) bytes[10 + i] = text.charCodeAt(i);
      return bytes;
    };
    expect(readNpy(header(MAX_NPY_HEADER_LENGTH)).shape).toEqual([2]);
    expect(() => parseNpyHeader(header(MAX_NPY_HEADER_LENGTH + 1), 'x.npy')).toThrow(
      `x.npy: the .npy header declares a length of ${MAX_NPY_HEADER_LENGTH + 1} bytes; at most ${MAX_NPY_HEADER_LENGTH} are read`,
    );
  });
});

describe('declared sizes the file cannot hold are refused on open', () => {
  // 63.8 billion 32×32 RGB images: 196 TB.
  const N = 63_800_000_000;
  const declared = (header: Uint8Array) => header.length + N * 3072;

  it('a 345-byte-class deflated archive declaring 196 TB (more than deflate’s 1032:1 allows)', async () => {
    const header = encodeNpyHeader('uint8', [N, 32, 32, 3]);
    const entry: HandEntry = {
      name: 'arr_0.npy',
      method: METHOD_DEFLATE,
      data: deflateRawSync(header),
      crc32: 0,
      uncompressedSize: declared(header),
    };
    const bytes = handZip([entry]);
    expect(bytes.length).toBeLessThan(400);
    const path = file('tiny.npz', bytes);
    await expect(openNpz(path)).rejects.toThrow(
      new RegExp(
        `tiny\\.npz: corrupt zip archive: entry arr_0\\.npy declares ${declared(header)} bytes from \\d+ deflated bytes, more than deflate can expand to \\(1032:1\\)`,
      ),
    );
  });

  it('a stored entry declaring 196 TB, and one declaring more bytes than it holds', async () => {
    const header = encodeNpyHeader('uint8', [N, 32, 32, 3]);
    const huge: HandEntry = { name: 'arr_0.npy', method: METHOD_STORED, data: header, crc32: 0, uncompressedSize: declared(header) };
    await expect(openNpz(file('stored-huge.npz', handZip([{ ...huge, central: { compressedSize: declared(header) } }])))).rejects.toThrow(
      /stored-huge\.npz: corrupt zip archive: entry arr_0\.npy declares 195993600000\d+ compressed bytes in a \d+-byte file/,
    );
    await expect(openNpz(file('stored-lie.npz', handZip([huge])))).rejects.toThrow(
      /stored-lie\.npz: corrupt zip archive: stored entry arr_0\.npy declares 195993600000\d+ bytes but holds \d+/,
    );
  });

  it('an entry whose compressed bytes would run into the central directory', async () => {
    const entry = storedNpy('a.npy', 'uint8', [4, 3], pixels(12));
    const longer = entry.data.length + 40;
    const path = file(
      'overrun.npz',
      handZip([{ ...entry, uncompressedSize: longer, local: { compressedSize: longer }, central: { compressedSize: longer } }]),
    );
    await expect(openNpz(path)).rejects.toThrow(
      /overrun\.npz: corrupt zip archive: entry a\.npy \(bytes 0-\d+\) runs into the central directory/,
    );
  });

  it(`more than ${MAX_ENTRIES} entries`, async () => {
    const one = storedNpy('x.npy', 'uint8', [1], pixels(1));
    const entries = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => ({ ...one, name: `x${i}.npy` }));
    await expect(openNpz(file('many.npz', handZip(entries)))).rejects.toThrow(
      `many.npz: the zip archive lists ${MAX_ENTRIES + 1} entries; at most ${MAX_ENTRIES} are read`,
    );
  });
});

describe('zip entries that overlap or disagree with their local headers are refused on open', () => {
  const a = () => deflatedNpy('a.npy', 'uint8', [16, 3], pixels(48));

  it.each([
    ['name', { name: 'b.npy' }, /says name "b\.npy", the central directory "a\.npy"/],
    ['method', { method: METHOD_STORED }, /says compression method 0, the central directory 8/],
    ['CRC-32', { crc32: 0x12345678 }, /says CRC-32 12345678, the central directory [0-9a-f]{8}/],
    ['compressed size', { compressedSize: 7 }, /says compressed size 7, the central directory \d+/],
    ['uncompressed size', { uncompressedSize: 1 << 30 }, /says uncompressed size 1073741824, the central directory \d+/],
  ])('local header with another %s', async (_, local, message) => {
    const path = file('local.npz', handZip([{ ...a(), local }]));
    await expect(openNpz(path)).rejects.toThrow(/local\.npz: corrupt zip archive: the local header of entry a\.npy /);
    await expect(openNpz(path)).rejects.toThrow(message);
  });

  it('two directory records for one local header (the overlapping-entry bomb)', async () => {
    const e = a();
    const bytes = handZip([e], {
      extraRecords: [
        {
          name: new TextEncoder().encode('a.npy'),
          method: METHOD_DEFLATE,
          crc32: e.crc32,
          compressedSize: e.data.length,
          uncompressedSize: e.uncompressedSize,
          localHeaderOffset: 0,
        },
      ],
    });
    await expect(openNpz(file('twice.npz', bytes))).rejects.toThrow(
      /twice\.npz: corrupt zip archive: entries a\.npy and a\.npy overlap \(at byte 0\)/,
    );
  });

  it('an entry whose data holds the next entry (nested overlap)', async () => {
    // b's local header and data lie inside a's compressed bytes, as in Fifield's non-recursive zip bomb.
    const inner = storedNpy('b.npy', 'uint8', [4], pixels(4));
    const innerZip = handZip([inner]);
    const innerLocal = innerZip.subarray(0, innerZip.length - (46 + 5 + 22));
    const outerPayload = concat([encodeNpyHeader('uint8', [innerLocal.length]), innerLocal]);
    const outer: HandEntry = {
      name: 'a.npy',
      method: METHOD_STORED,
      data: outerPayload,
      crc32: crc32(outerPayload) >>> 0,
      uncompressedSize: outerPayload.length,
    };
    const outerHeaderLength = 30 + 5 + 20;
    const bOffset = outerHeaderLength + encodeNpyHeader('uint8', [innerLocal.length]).length;
    const bytes = handZip([outer], {
      extraRecords: [
        {
          name: new TextEncoder().encode('b.npy'),
          method: METHOD_STORED,
          crc32: inner.crc32,
          compressedSize: inner.data.length,
          uncompressedSize: inner.uncompressedSize,
          localHeaderOffset: bOffset,
        },
      ],
    });
    await expect(openNpz(file('nested.npz', bytes))).rejects.toThrow(
      /nested\.npz: corrupt zip archive: entries a\.npy and b\.npy overlap \(at byte \d+\)/,
    );
  });
});

describe('the upload check (inspectSampleBatch) reads every byte, not just the headers', () => {
  const manifest = { name: 'x', kind: 'samples' as const, resolution: 32, classes: 0 };

  it('refuses a flipped image byte (CRC-32) and a bomb whose headers are perfect, accepts the honest batch', async () => {
    const honest = storedNpy('arr_0.npy', 'uint8', [4, 32, 32, 3], pixels(4 * 3072));
    expect(await inspectSampleBatch(file('ok.npz', handZip([honest])), manifest)).toMatchObject({ ok: true });
    const flipped = handZip([honest]);
    flipped[5000] ^= 0x01;
    expect(await inspectSampleBatch(file('flipped.npz', flipped), manifest)).toEqual({
      ok: false,
      field: 'file',
      problem: expect.stringMatching(
        /^the file is not a readable \.npz sample batch: corrupt zip archive: CRC-32 mismatch in entry arr_0\.npy/,
      ),
    });
    expect(await inspectSampleBatch(file('bomb.npz', honestSizeBomb([4, 32, 32, 3], 8)), manifest)).toEqual({
      ok: false,
      field: 'file',
      problem: expect.stringMatching(
        /^the file is not a readable \.npz sample batch: entry arr_0\.npy inflates to more than the 12416 bytes/,
      ),
    });
  });
});

describe('honest archives still read exactly and verify', () => {
  it.each([['adm_batch_stored.npz'], ['adm_batch_deflated.npz']])('numpy-written %s', async (name) => {
    const path = join(FIXTURES, 'npz', name);
    await readEveryWay(path);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('a written batch, compress=%s, Zip64=%s', async (compress, forceZip64) => {
    const path = join(dir, 'ok.npz');
    const w = await NpzWriter.create(path, { compress, forceZip64 });
    await w.add('arr_0', { dtype: 'uint8', shape: [300, 16, 16, 3], data: pixels(300 * 768) });
    await w.add('arr_1', { dtype: 'int64', shape: [300], data: new BigInt64Array(300).fill(3n) });
    await w.close();
    await readEveryWay(path);
    expect(Array.from((await readNpz(path)).arr_0.data.subarray(0, 4) as Uint8Array)).toEqual([0, 37, 74, 111]);
  });

  it('local headers that defer CRC-32 and sizes to a data descriptor (flag bit 3, as Python writes to an unseekable file)', async () => {
    const e = deflatedNpy('arr_0.npy', 'uint8', [6, 4, 4, 3], pixels(288));
    const bytes = handZip([{ ...e, local: { crc32: 0, compressedSize: 0, uncompressedSize: 0 } }]);
    bytes[6] |= 0x08;
    const path = file('descriptor.npz', bytes);
    await readEveryWay(path);
    expect(Array.from((await readNpz(path)).arr_0.data as Uint8Array)).toEqual(Array.from(pixels(288)));
  });

  it.each([[0], [6]])('numpy-written .npy files zipped by another writer (fflate, level %s)', async (level) => {
    const npy = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, 'npz', name)));
    const path = file('fflate.npz', zipSync({ 'c.npy': npy('float64_c.npy'), 'i.npy': npy('int32_3d.npy') }, { level: level as 0 | 6 }));
    await readEveryWay(path);
    expect(Object.keys(await readNpz(path))).toEqual(['c', 'i']);
  });
});
