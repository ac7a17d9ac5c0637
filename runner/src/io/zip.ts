// The parts of the ZIP format (PKWARE APPNOTE 6.3, sections 4.3-4.5) that `.npz` files use: stored and
// deflated entries, Zip64 sizes and offsets, no encryption, a single disk. Reading takes sizes and offsets
// from the central directory and refuses an archive whose local headers disagree with it, whose entries
// overlap or run past the central directory, or whose sizes no stored or deflated entry could have: the
// checks that defuse overlapping-entry and declared-size zip bombs before a byte is inflated.

import type { FileHandle } from 'node:fs/promises';
import { ArrayFileError } from './array-file-error.js';

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

/** Entries an archive may list; `.npz` files hold a handful. */
export const MAX_ENTRIES = 10_000;
/** Bytes of central directory read into memory. */
export const MAX_CENTRAL_DIRECTORY_BYTES = 4 * 1024 * 1024;
/**
 * Deflate's largest expansion: a 258-byte match costs at least two bits (one-bit literal/length and
 * distance codes), so no stream inflates to more than 1032 bytes per compressed byte (zlib's FAQ).
 */
export const MAX_DEFLATE_RATIO = 1032;

export interface ZipEntry {
  name: string;
  /** The name as stored, compared byte for byte with the local header's. */
  nameBytes: Uint8Array;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** The central directory's entries, and where it starts (no entry's data may reach past it). */
export interface ZipDirectory {
  entries: ZipEntry[];
  centralDirectoryOffset: number;
}

/** Reads exactly `length` bytes at `position`, or fewer only at the end of the file. */
export async function readAt(fh: FileHandle, position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
  const buf = into ?? new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function u64(view: DataView, at: number): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`64-bit field ${v} too large`);
  return Number(v);
}

/**
 * Lists the entries of a zip file from its central directory (Zip64 aware). Refuses a directory of more
 * than MAX_ENTRIES entries or MAX_CENTRAL_DIRECTORY_BYTES bytes, and sizes no entry of this file could have.
 */
export async function readCentralDirectory(fh: FileHandle, file: string): Promise<ZipDirectory> {
  const size = (await fh.stat()).size;
  if (size < 22) throw new ArrayFileError(file, `not a zip archive (${size} bytes, too short for an end-of-central-directory record)`);
  const tailLength = Math.min(size, 22 + U16_MAX);
  const tailStart = size - tailLength;
  const tail = await readAt(fh, tailStart, tailLength);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === SIG_EOCD && i + 22 + tv.getUint16(i + 20, true) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new ArrayFileError(file, 'not a zip archive or truncated (no end-of-central-directory record)');
  }
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (tv.getUint16(eocd + 4, true) !== 0 || tv.getUint16(eocd + 6, true) !== 0) {
    throw new ArrayFileError(file, 'multi-disk zip archives are not supported');
  }
  const locatorAt = tailStart + eocd - 20;
  if (locatorAt >= 0) {
    const loc = await readAt(fh, locatorAt, 20);
    const lv = new DataView(loc.buffer, loc.byteOffset, loc.byteLength);
    if (loc.length === 20 && lv.getUint32(0, true) === SIG_ZIP64_LOCATOR) {
      const recordAt = u64(lv, 8);
      const rec = await readAt(fh, recordAt, 56);
      const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      if (rec.length < 56 || rv.getUint32(0, true) !== SIG_ZIP64_EOCD) {
        throw new ArrayFileError(file, 'corrupt zip archive (Zip64 end-of-central-directory record missing)');
      }
      count = u64(rv, 32);
      cdSize = u64(rv, 40);
      cdOffset = u64(rv, 48);
    }
  }
  if (cdOffset + cdSize > size) {
    throw new ArrayFileError(
      file,
      `corrupt or truncated zip archive (central directory at ${cdOffset}+${cdSize} beyond the file size ${size})`,
    );
  }
  if (count > MAX_ENTRIES) throw new ArrayFileError(file, `the zip archive lists ${count} entries; at most ${MAX_ENTRIES} are read`);
  if (cdSize > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw new ArrayFileError(
      file,
      `the zip archive's central directory is ${cdSize} bytes; at most ${MAX_CENTRAL_DIRECTORY_BYTES} are read`,
    );
  }
  const cd = await readAt(fh, cdOffset, cdSize);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || cv.getUint32(p, true) !== SIG_CENTRAL) {
      throw new ArrayFileError(file, `corrupt zip archive (central directory entry ${k} is malformed)`);
    }
    const flags = cv.getUint16(p + 8, true);
    const method = cv.getUint16(p + 10, true);
    const crc32 = cv.getUint32(p + 16, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let uncompressedSize = cv.getUint32(p + 24, true);
    const nameLength = cv.getUint16(p + 28, true);
    const extraLength = cv.getUint16(p + 30, true);
    const commentLength = cv.getUint16(p + 32, true);
    let localHeaderOffset = cv.getUint32(p + 42, true);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    if (extraEnd > cd.length) throw new ArrayFileError(file, `corrupt zip archive (entry ${name} overruns the central directory)`);
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      if (id === ZIP64_EXTRA) {
        // Only the fields whose 32-bit slot holds 0xFFFFFFFF are present, in this order.
        let q = e + 4;
        const next = () => {
          if (q + 8 > e + 4 + len) throw new ArrayFileError(file, `corrupt zip archive (short Zip64 extra field in entry ${name})`);
          const v = u64(cv, q);
          q += 8;
          return v;
        };
        if (uncompressedSize === U32_MAX) uncompressedSize = next();
        if (compressedSize === U32_MAX) compressedSize = next();
        if (localHeaderOffset === U32_MAX) localHeaderOffset = next();
      }
      e += 4 + len;
    }
    const entry = { name, nameBytes: nameBytes.slice(), method, flags, crc32, compressedSize, uncompressedSize, localHeaderOffset };
    checkDeclaredSizes(entry, size, file);
    entries.push(entry);
    p = extraEnd + commentLength;
  }
  return { entries, centralDirectoryOffset: cdOffset };
}

// A stored entry holds exactly its bytes; a deflated one at most MAX_DEFLATE_RATIO times its compressed
// bytes; and no entry's compressed bytes exceed the file. (Other methods are refused when read.)
function checkDeclaredSizes(e: ZipEntry, fileSize: number, file: string): void {
  if (e.compressedSize > fileSize) {
    throw new ArrayFileError(
      file,
      `corrupt zip archive: entry ${e.name} declares ${e.compressedSize} compressed bytes in a ${fileSize}-byte file`,
    );
  }
  if (e.method === METHOD_STORED && e.compressedSize !== e.uncompressedSize) {
    throw new ArrayFileError(
      file,
      `corrupt zip archive: stored entry ${e.name} declares ${e.uncompressedSize} bytes but holds ${e.compressedSize}`,
    );
  }
  if (e.method === METHOD_DEFLATE && e.uncompressedSize > e.compressedSize * MAX_DEFLATE_RATIO) {
    throw new ArrayFileError(
      file,
      `corrupt zip archive: entry ${e.name} declares ${e.uncompressedSize} bytes from ${e.compressedSize} deflated bytes, more than deflate can expand to (${MAX_DEFLATE_RATIO}:1)`,
    );
  }
}

/**
 * Reads an entry's local header, checks that it agrees with the central directory (name, method,
 * encryption, and CRC-32 and sizes unless a data descriptor follows the data), and returns where the
 * entry's data starts.
 */
export async function entryDataOffset(fh: FileHandle, entry: ZipEntry, file: string): Promise<number> {
  const h = await readAt(fh, entry.localHeaderOffset, 30);
  const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (h.length < 30 || hv.getUint32(0, true) !== SIG_LOCAL) {
    throw new ArrayFileError(file, `corrupt zip archive (no local header for entry ${entry.name} at offset ${entry.localHeaderOffset})`);
  }
  const flags = hv.getUint16(6, true);
  const method = hv.getUint16(8, true);
  const crc = hv.getUint32(14, true);
  let compressedSize = hv.getUint32(18, true);
  let uncompressedSize = hv.getUint32(22, true);
  const nameLength = hv.getUint16(26, true);
  const extraLength = hv.getUint16(28, true);
  const rest = await readAt(fh, entry.localHeaderOffset + 30, nameLength + extraLength);
  if (rest.length < nameLength + extraLength) throw new ArrayFileError(file, `truncated zip archive (local header of entry ${entry.name})`);
  const disagree = (what: string, local: string | number, central: string | number): never => {
    throw new ArrayFileError(
      file,
      `corrupt zip archive: the local header of entry ${entry.name} says ${what} ${local}, the central directory ${central}`,
    );
  };
  const name = rest.subarray(0, nameLength);
  if (name.length !== entry.nameBytes.length || name.some((b, i) => b !== entry.nameBytes[i])) {
    disagree('name', JSON.stringify(new TextDecoder('latin1').decode(name)), JSON.stringify(entry.name));
  }
  if (method !== entry.method) disagree('compression method', method, entry.method);
  if ((flags & 1) !== (entry.flags & 1)) disagree('encryption flag', flags & 1, entry.flags & 1);
  if (!(flags & 8)) {
    // Zip64 (4.5.3): the sizes whose 32-bit slot holds 0xFFFFFFFF follow in the extra field, uncompressed first.
    const rv = new DataView(rest.buffer, rest.byteOffset, rest.byteLength);
    for (let e = nameLength; e + 4 <= rest.length;) {
      const id = rv.getUint16(e, true);
      const len = rv.getUint16(e + 2, true);
      if (id === ZIP64_EXTRA) {
        let q = e + 4;
        const next = () => {
          if (q + 8 > Math.min(rest.length, e + 4 + len))
            throw new ArrayFileError(file, `corrupt zip archive (short Zip64 extra field in the local header of ${entry.name})`);
          const v = u64(rv, q);
          q += 8;
          return v;
        };
        if (uncompressedSize === U32_MAX) uncompressedSize = next();
        if (compressedSize === U32_MAX) compressedSize = next();
      }
      e += 4 + len;
    }
    if (crc >>> 0 !== entry.crc32 >>> 0) disagree('CRC-32', hex(crc), hex(entry.crc32));
    if (compressedSize !== entry.compressedSize) disagree('compressed size', compressedSize, entry.compressedSize);
    if (uncompressedSize !== entry.uncompressedSize) disagree('uncompressed size', uncompressedSize, entry.uncompressedSize);
  }
  return entry.localHeaderOffset + 30 + nameLength + extraLength;
}

/** The extent of an entry in the file: its local header, then its compressed data. */
export interface EntryExtent {
  entry: ZipEntry;
  dataOffset: number;
}

/**
 * Refuses entries whose bytes overlap another entry's or reach past the start of the central directory
 * (the overlapping-entry zip bomb reuses one compressed kernel under many names).
 */
export function checkEntryLayout(extents: readonly EntryExtent[], centralDirectoryOffset: number, file: string): void {
  const sorted = [...extents].sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
  let previous: EntryExtent | undefined;
  for (const x of sorted) {
    const end = x.dataOffset + x.entry.compressedSize;
    if (end > centralDirectoryOffset) {
      throw new ArrayFileError(
        file,
        `corrupt zip archive: entry ${x.entry.name} (bytes ${x.entry.localHeaderOffset}-${end}) runs into the central directory at ${centralDirectoryOffset}`,
      );
    }
    if (previous && x.entry.localHeaderOffset < previous.dataOffset + previous.entry.compressedSize) {
      throw new ArrayFileError(
        file,
        `corrupt zip archive: entries ${previous.entry.name} and ${x.entry.name} overlap (at byte ${x.entry.localHeaderOffset})`,
      );
    }
    previous = x;
  }
}

export function hex(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

// DOS date 1980-01-01 00:00: written entries carry a fixed timestamp so that equal arrays give equal files.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * A local file header that always carries a Zip64 extra field (as numpy's `savez` does), so sizes can be
 * patched in place after the data is written whatever they turn out to be.
 */
export function localHeader(name: Uint8Array, method: number, crc32: number, compressedSize: number, uncompressedSize: number): Uint8Array {
  const out = new Uint8Array(30 + name.length + 20);
  const v = new DataView(out.buffer);
  v.setUint32(0, SIG_LOCAL, true);
  v.setUint16(4, 45, true);
  v.setUint16(6, 0x800, true);
  v.setUint16(8, method, true);
  v.setUint16(10, DOS_TIME, true);
  v.setUint16(12, DOS_DATE, true);
  v.setUint32(14, crc32 >>> 0, true);
  v.setUint32(18, U32_MAX, true);
  v.setUint32(22, U32_MAX, true);
  v.setUint16(26, name.length, true);
  v.setUint16(28, 20, true);
  out.set(name, 30);
  const x = 30 + name.length;
  v.setUint16(x, ZIP64_EXTRA, true);
  v.setUint16(x + 2, 16, true);
  v.setBigUint64(x + 4, BigInt(uncompressedSize), true);
  v.setBigUint64(x + 12, BigInt(compressedSize), true);
  return out;
}

export interface WrittenEntry {
  name: Uint8Array;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Central directory, Zip64 end records when needed (or forced), and the end-of-central-directory record. */
export function centralDirectory(entries: readonly WrittenEntry[], cdOffset: number, forceZip64 = false): Uint8Array {
  const parts: Uint8Array[] = [];
  let cdSize = 0;
  for (const e of entries) {
    const big = [e.uncompressedSize, e.compressedSize, e.localHeaderOffset].map((x) => forceZip64 || x >= U32_MAX);
    const extraLength = big.some(Boolean) ? 4 + 8 * big.filter(Boolean).length : 0;
    const rec = new Uint8Array(46 + e.name.length + extraLength);
    const v = new DataView(rec.buffer);
    v.setUint32(0, SIG_CENTRAL, true);
    v.setUint16(4, 45 | (3 << 8), true); // made by: Unix, spec 4.5
    v.setUint16(6, extraLength ? 45 : 20, true);
    v.setUint16(8, 0x800, true);
    v.setUint16(10, e.method, true);
    v.setUint16(12, DOS_TIME, true);
    v.setUint16(14, DOS_DATE, true);
    v.setUint32(16, e.crc32 >>> 0, true);
    v.setUint32(20, big[1] ? U32_MAX : e.compressedSize, true);
    v.setUint32(24, big[0] ? U32_MAX : e.uncompressedSize, true);
    v.setUint16(28, e.name.length, true);
    v.setUint16(30, extraLength, true);
    v.setUint32(38, (0o100644 << 16) >>> 0, true);
    v.setUint32(42, big[2] ? U32_MAX : e.localHeaderOffset, true);
    rec.set(e.name, 46);
    if (extraLength) {
      let q = 46 + e.name.length;
      v.setUint16(q, ZIP64_EXTRA, true);
      v.setUint16(q + 2, extraLength - 4, true);
      q += 4;
      const present = [e.uncompressedSize, e.compressedSize, e.localHeaderOffset].filter((_, i) => big[i]);
      for (const value of present) {
        v.setBigUint64(q, BigInt(value), true);
        q += 8;
      }
    }
    parts.push(rec);
    cdSize += rec.length;
  }
  const zip64 = forceZip64 || entries.length >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX || cdOffset + cdSize >= U32_MAX;
  if (zip64) {
    const rec = new Uint8Array(56 + 20);
    const v = new DataView(rec.buffer);
    const recordAt = cdOffset + cdSize;
    v.setUint32(0, SIG_ZIP64_EOCD, true);
    v.setBigUint64(4, 44n, true);
    v.setUint16(12, 45 | (3 << 8), true);
    v.setUint16(14, 45, true);
    v.setBigUint64(24, BigInt(entries.length), true);
    v.setBigUint64(32, BigInt(entries.length), true);
    v.setBigUint64(40, BigInt(cdSize), true);
    v.setBigUint64(48, BigInt(cdOffset), true);
    v.setUint32(56, SIG_ZIP64_LOCATOR, true);
    v.setBigUint64(64, BigInt(recordAt), true);
    v.setUint32(72, 1, true);
    parts.push(rec);
  }
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, SIG_EOCD, true);
  v.setUint16(8, zip64 ? U16_MAX : entries.length, true);
  v.setUint16(10, zip64 ? U16_MAX : entries.length, true);
  v.setUint32(12, zip64 ? U32_MAX : cdSize, true);
  v.setUint32(16, zip64 ? U32_MAX : cdOffset, true);
  parts.push(end);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
