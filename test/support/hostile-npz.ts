// Hand-built hostile `.npz` archives for the decompression-bomb tests (runner/src/io/npz-hostile.spec.ts,
// test/integration/npz-bombs.spec.ts): deflate streams that inflate far past what they declare, built in
// time and memory proportional to their compressed size, and zips whose records are assembled one by one.

import { constants, crc32, deflateRawSync } from 'node:zlib';
import { encodeNpyHeader, type DType } from '../../runner/src/io/npy.js';
import { centralDirectory, localHeader, METHOD_DEFLATE, METHOD_STORED, type WrittenEntry } from '../../runner/src/io/zip.js';

export const MiB = 1024 * 1024;

// 1 MiB of zeros, deflated without a final block and ending on a byte boundary (a sync flush): copies of it
// can follow each other, and any prefix, since its matches reach back one byte only.
const ZERO_MIB = deflateRawSync(new Uint8Array(MiB), { finishFlush: constants.Z_SYNC_FLUSH });
// A final, empty fixed-Huffman block: ends a stream of sync-flushed segments.
const END = new Uint8Array([0x03, 0x00]);

/** A raw deflate stream of `prefix` then `zeroMiB` MiB of zeros (about 1 KiB compressed per MiB). */
export function deflatedZeros(prefix: Uint8Array, zeroMiB: number): Uint8Array {
  const head = deflateRawSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH });
  const out = new Uint8Array(head.length + zeroMiB * ZERO_MIB.length + END.length);
  out.set(head);
  for (let i = 0; i < zeroMiB; i++) out.set(ZERO_MIB, head.length + i * ZERO_MIB.length);
  out.set(END, out.length - END.length);
  return out;
}

/** CRC-32 of `prefix` followed by `zeros` zero bytes, without holding them. */
export function crcOfZeros(prefix: Uint8Array, zeros: number): number {
  let crc = crc32(prefix);
  const block = new Uint8Array(Math.min(zeros, MiB) || 1);
  for (let left = zeros; left > 0; left -= block.length) crc = crc32(block.subarray(0, Math.min(left, block.length)), crc);
  return crc >>> 0;
}

export interface HandEntry {
  name: string;
  method: number;
  /** The entry's data as stored in the file (compressed for deflate). */
  data: Uint8Array;
  crc32: number;
  uncompressedSize: number;
  /** What the local header says instead, where it should disagree with the central directory. */
  local?: Partial<{ name: string; method: number; crc32: number; compressedSize: number; uncompressedSize: number }>;
  /** What the central directory says instead (sizes, offset), for archives that lie in it. */
  central?: Partial<{ compressedSize: number; uncompressedSize: number; localHeaderOffset: number }>;
}

/**
 * A zip of the entries in order (local header with a Zip64 extra field, then data), then a central
 * directory listing them plus `extraRecords` (copies of earlier records under new names or offsets).
 */
export function handZip(entries: HandEntry[], opts: { forceZip64?: boolean; extraRecords?: WrittenEntry[] } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const records: WrittenEntry[] = [];
  let at = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const l = e.local ?? {};
    const header = localHeader(
      new TextEncoder().encode(l.name ?? e.name),
      l.method ?? e.method,
      l.crc32 ?? e.crc32,
      l.compressedSize ?? e.data.length,
      l.uncompressedSize ?? e.uncompressedSize,
    );
    records.push({
      name,
      method: e.method,
      crc32: e.crc32,
      compressedSize: e.central?.compressedSize ?? e.data.length,
      uncompressedSize: e.central?.uncompressedSize ?? e.uncompressedSize,
      localHeaderOffset: e.central?.localHeaderOffset ?? at,
    });
    parts.push(header, e.data);
    at += header.length + e.data.length;
  }
  records.push(...(opts.extraRecords ?? []));
  parts.push(centralDirectory(records, at, opts.forceZip64));
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A stored `.npy` entry holding `payload` after the header of `dtype` `shape`. */
export function storedNpy(name: string, dtype: DType, shape: number[], payload: Uint8Array): HandEntry {
  const bytes = concat([encodeNpyHeader(dtype, shape), payload]);
  return { name, method: METHOD_STORED, data: bytes, crc32: crc32(bytes) >>> 0, uncompressedSize: bytes.length };
}

/** A deflated `.npy` entry holding `payload` after the header of `dtype` `shape`. */
export function deflatedNpy(name: string, dtype: DType, shape: number[], payload: Uint8Array): HandEntry {
  const bytes = concat([encodeNpyHeader(dtype, shape), payload]);
  return { name, method: METHOD_DEFLATE, data: deflateRawSync(bytes), crc32: crc32(bytes) >>> 0, uncompressedSize: bytes.length };
}

/**
 * The first bomb: `arr_0` declares uint8 `shape` in its `.npy` header and the central directory
 * declares exactly that many bytes, with the CRC-32 of those bytes, but its deflate stream goes on for
 * `extraMiB` MiB more zeros. A reader that inflates whatever the stream holds, or stops reading at the
 * declared size without checking the stream ends there, is fooled.
 */
export function honestSizeBomb(shape: number[], extraMiB: number, opts: { forceZip64?: boolean } = {}): Uint8Array {
  const header = encodeNpyHeader('uint8', shape);
  const dataBytes = shape.reduce((p, d) => p * d, 1);
  const declared = header.length + dataBytes;
  const dataMiB = Math.ceil(dataBytes / MiB);
  // The data is zeros, so the stream's first `declared` bytes are header + zeros: only its length lies.
  const stream = deflatedZeros(header, dataMiB + extraMiB);
  const entry: HandEntry = {
    name: 'arr_0.npy',
    method: METHOD_DEFLATE,
    data: stream,
    crc32: crcOfZeros(header, dataBytes),
    uncompressedSize: declared,
  };
  return handZip([entry], opts);
}

/**
 * The second bomb: a format-2.0 `.npy` header that declares a `headerMiB` MiB header, its bytes
 * (spaces) deflated, the central directory declaring them all.
 */
export function longHeaderBomb(headerMiB: number): Uint8Array {
  const preamble = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0]);
  const length = headerMiB * MiB;
  new DataView(preamble.buffer).setUint32(8, length, true);
  // Spaces rather than zeros: the stream is the zero stream with every byte 0x20, made the same way.
  const spaces = new Uint8Array(MiB).fill(0x20);
  const seg = deflateRawSync(spaces, { finishFlush: constants.Z_SYNC_FLUSH });
  const head = deflateRawSync(preamble, { finishFlush: constants.Z_SYNC_FLUSH });
  const stream = concat([head, ...Array.from({ length: headerMiB }, () => seg), END]);
  let crc = crc32(preamble);
  for (let i = 0; i < headerMiB; i++) crc = crc32(spaces, crc);
  return handZip([{ name: 'arr_0.npy', method: METHOD_DEFLATE, data: stream, crc32: crc >>> 0, uncompressedSize: 12 + length }]);
}

/** An honest, very compressible batch: uint8 zeros of `shape` (whose size must be whole MiB), deflated. */
export function zeroBatch(shape: number[]): Uint8Array {
  const bytes = shape.reduce((p, d) => p * d, 1);
  if (bytes % MiB !== 0) throw new RangeError(`zeroBatch needs whole MiB of data, [${shape.join(', ')}] is ${bytes} bytes`);
  return honestSizeBomb(shape, 0);
}
