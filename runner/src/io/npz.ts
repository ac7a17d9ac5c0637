// NumPy `.npz` archives (numpy.savez / savez_compressed: a zip of `<key>.npy` entries), read whole or
// streamed by rows of the leading axis so that a 50,000×256×256×3 sample batch is never held in memory.
// Stored entries are read by file offset; deflated ones through zlib's streaming inflate, pulled with
// backpressure, so an entry being read holds about 2 MiB of buffers however far its data inflates.
// An entry must inflate to exactly the size its central-directory record and its `.npy` header declare:
// a stream that inflates further (a decompression bomb) fails as soon as it passes that size.

import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { Deflate } from 'fflate';
import { ArrayFileError } from './array-file-error.js';
import {
  allocate,
  checkNdArray,
  checkNpyHeaderLength,
  dataBytes,
  elementCount,
  encodeNpyHeader,
  finishDecoded,
  ITEM_SIZE,
  parseNpyHeader,
  type DType,
  type NdArray,
  type NdData,
  type NpyHeader,
} from './npy.js';
import {
  centralDirectory,
  checkEntryLayout,
  entryDataOffset,
  hex,
  localHeader,
  METHOD_DEFLATE,
  METHOD_STORED,
  readAt,
  readCentralDirectory,
  type WrittenEntry,
  type ZipEntry,
} from './zip.js';

export { ArrayFileError } from './array-file-error.js';
export { encodeNpy, readNpy } from './npy.js';
export type { DType, NdArray, NdData } from './npy.js';

/** One array of an archive, as its `.npy` header describes it. */
export interface NpzEntryInfo {
  /** The key numpy uses: the entry name without `.npy`. */
  name: string;
  dtype: DType;
  shape: number[];
  fortranOrder: boolean;
  compressed: boolean;
}

export interface RowIteratorOptions {
  /** Rows per chunk. Default: as many as fit in about 16 MiB (at least one). */
  batchRows?: number;
  /** First row (default 0) and end row, exclusive (default: all rows). */
  start?: number;
  end?: number;
}

// Compressed bytes are read 64 KiB first (headers), then 256 KiB at a time; zlib hands out inflated bytes
// 256 KiB at a time (faster here than 64 KiB or 1 MiB) and stops inflating while they wait to be read.
const FIRST_CHUNK = 64 * 1024;
const CHUNK = 256 * 1024;
const INFLATE_CHUNK = 256 * 1024;
/** Buffer for reading through an entry without keeping it (skipping rows, verifying an archive). */
const SCRATCH = 1024 * 1024;
const ROW_BATCH_BYTES = 16 * 1024 * 1024;

interface OpenEntry {
  info: NpzEntryInfo;
  zip: ZipEntry;
  header: NpyHeader;
  zipDataOffset: number;
}

/**
 * A sequential reader of one entry's uncompressed bytes. Once it has read every byte from the start
 * without jumping, checks that the entry's deflate stream ends exactly there and its CRC-32.
 */
class EntryStream {
  position = 0;
  private crc = 0;
  private crcValid = true;
  /** Inflated bytes pulled from zlib so far, and the unread rest of the last chunk. */
  private inflated = 0;
  private pending: Uint8Array = new Uint8Array(0);
  private readonly inflater?: InflateRaw;
  private readonly output?: AsyncIterator<Buffer>;

  constructor(
    private readonly fh: FileHandle,
    private readonly entry: ZipEntry,
    private readonly dataOffset: number,
    private readonly file: string,
  ) {
    if (entry.method === METHOD_DEFLATE) {
      this.inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
      const source = Readable.from(compressedBytes(fh, dataOffset, entry.compressedSize, file, entry.name), {
        objectMode: false,
        highWaterMark: CHUNK,
      });
      // Errors reach the reader through the iterator; the callback only keeps them from going unhandled.
      pipeline(source, this.inflater, () => undefined);
      this.output = this.inflater[Symbol.asyncIterator]();
    }
  }

  get remaining(): number {
    return this.entry.uncompressedSize - this.position;
  }

  /** Reads exactly `n` bytes into `into` (or a new buffer). */
  async read(n: number, into?: Uint8Array): Promise<Uint8Array> {
    if (n > this.remaining) {
      throw new ArrayFileError(
        this.file,
        `truncated data in entry ${this.entry.name}: needs ${n} more bytes at offset ${this.position}, the entry has ${this.remaining}`,
      );
    }
    const out = into ?? new Uint8Array(n);
    if (this.output) {
      let done = 0;
      while (done < n) {
        if (this.pending.length === 0) this.pending = await this.nextChunk();
        const take = Math.min(this.pending.length, n - done);
        out.set(this.pending.subarray(0, take), done);
        done += take;
        this.pending = this.pending.subarray(take);
      }
    } else {
      const got = await readAt(this.fh, this.dataOffset + this.position, n, out);
      if (got.length < n) {
        throw new ArrayFileError(this.file, `truncated file: entry ${this.entry.name} ends ${n - got.length} bytes early`);
      }
    }
    // zlib.crc32 returns 0, not the running value, for a view of a zero-length ArrayBuffer.
    if (this.crcValid && n > 0) this.crc = crc32(out, this.crc);
    this.position += n;
    if (this.remaining === 0) {
      await this.finish();
      this.checkCrc();
    }
    return out;
  }

  /** Moves forward `n` bytes: a seek for stored entries, inflating through for deflated ones. */
  async skip(n: number): Promise<void> {
    if (!this.output) {
      if (n > this.remaining) throw new ArrayFileError(this.file, `truncated data in entry ${this.entry.name}`);
      if (n > 0) this.crcValid = false;
      this.position += n;
      return;
    }
    const scratch = new Uint8Array(Math.min(n, SCRATCH));
    while (n > 0) {
      const k = Math.min(n, scratch.length);
      await this.read(k, scratch.subarray(0, k));
      n -= k;
    }
  }

  /** Stops inflating and releases the stream's buffers. */
  close(): void {
    this.inflater?.destroy();
  }

  private async nextChunk(): Promise<Uint8Array> {
    const next = await this.pull();
    if (next.done) {
      throw new ArrayFileError(
        this.file,
        `corrupt deflate data in entry ${this.entry.name}: it inflates to ${this.inflated} bytes, fewer than the ${this.entry.uncompressedSize} the zip directory declares`,
      );
    }
    return next.value;
  }

  // Every declared byte has been read: the deflate stream must end here rather than inflate on.
  private async finish(): Promise<void> {
    if (!this.output) return;
    for (;;) {
      const next = await this.pull();
      if (next.done) break;
      if (next.value.length > 0) throw this.bomb();
    }
    this.close();
  }

  private async pull(): Promise<IteratorResult<Uint8Array, undefined>> {
    let next: IteratorResult<Buffer>;
    try {
      next = await this.output!.next();
    } catch (err) {
      if (err instanceof ArrayFileError) throw err;
      throw new ArrayFileError(this.file, `corrupt deflate data in entry ${this.entry.name} (${(err as Error).message})`, { cause: err });
    }
    if (next.done) return { done: true, value: undefined };
    this.inflated += next.value.length;
    if (this.inflated > this.entry.uncompressedSize) {
      this.close();
      throw this.bomb();
    }
    return { done: false, value: new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength) };
  }

  private bomb(): ArrayFileError {
    return new ArrayFileError(
      this.file,
      `entry ${this.entry.name} inflates to more than the ${this.entry.uncompressedSize} bytes its zip directory and .npy header declare (a decompression bomb); inflating stopped there`,
    );
  }

  private checkCrc(): void {
    if (this.crcValid && this.crc >>> 0 !== this.entry.crc32 >>> 0) {
      throw new ArrayFileError(
        this.file,
        `corrupt zip archive: CRC-32 mismatch in entry ${this.entry.name} (stored ${hex(this.entry.crc32)}, computed ${hex(this.crc)})`,
      );
    }
  }
}

/** An entry's compressed bytes in order, a chunk at a time: the pipeline reads them only as fast as they inflate. */
async function* compressedBytes(fh: FileHandle, start: number, length: number, file: string, name: string): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < length;) {
    const len = Math.min(at === 0 ? FIRST_CHUNK : CHUNK, length - at);
    const chunk = await readAt(fh, start + at, len);
    if (chunk.length < len)
      throw new ArrayFileError(file, `truncated file: compressed entry ${name} ends ${len - chunk.length} bytes early`);
    at += len;
    yield chunk;
  }
}

/** An open `.npz` archive: entry headers up front, array data on demand. Call `close()` when done. */
export class NpzReader {
  private readonly byName = new Map<string, OpenEntry>();
  private readonly cursors = new Map<string, EntryStream>();
  private readonly streams = new Set<EntryStream>();

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    entries: OpenEntry[],
  ) {
    for (const e of entries) this.byName.set(e.info.name, e);
  }

  /**
   * Opens an archive and reads the `.npy` header of every `*.npy` entry (other entries are ignored).
   * Refuses, before inflating any array data, an archive whose local headers disagree with its central
   * directory, whose entries overlap, or whose `.npy` entries declare sizes other than their arrays' or
   * more than their compressed bytes could hold. Reads at most the central directory and one header per entry.
   */
  static async open(path: string): Promise<NpzReader> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw new ArrayFileError(path, `cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    try {
      const directory = await readCentralDirectory(fh, path);
      const extents = [];
      for (const entry of directory.entries) extents.push({ entry, dataOffset: await entryDataOffset(fh, entry, path) });
      checkEntryLayout(extents, directory.centralDirectoryOffset, path);
      const entries: OpenEntry[] = [];
      for (const { entry: zip, dataOffset: zipDataOffset } of extents) {
        if (!zip.name.endsWith('.npy')) continue;
        if (zip.flags & 1) throw new ArrayFileError(path, `entry ${zip.name} is encrypted`);
        if (zip.method !== METHOD_STORED && zip.method !== METHOD_DEFLATE) {
          throw new ArrayFileError(path, `entry ${zip.name} uses compression method ${zip.method} (only stored and deflate are supported)`);
        }
        const source = `${path}[${zip.name}]`;
        const stream = new EntryStream(fh, zip, zipDataOffset, path);
        let header: NpyHeader;
        try {
          header = await readHeader(stream, source);
        } finally {
          stream.close();
        }
        const declared = header.dataOffset + header.dataLength;
        if (declared > zip.uncompressedSize) {
          throw new ArrayFileError(
            path,
            `truncated data in entry ${zip.name}: shape [${header.shape.join(', ')}] ${header.dtype} needs ${header.dataLength} bytes, the entry holds ${zip.uncompressedSize - header.dataOffset}`,
          );
        }
        // numpy writes nothing after the array; bytes there would be read by nobody but an inflater.
        if (declared < zip.uncompressedSize) {
          throw new ArrayFileError(
            path,
            `entry ${zip.name} declares ${zip.uncompressedSize} bytes, but its .npy header (shape [${header.shape.join(', ')}] ${header.dtype}) accounts for ${declared}`,
          );
        }
        const info: NpzEntryInfo = {
          name: zip.name.slice(0, -4),
          dtype: header.dtype,
          shape: header.shape,
          fortranOrder: header.fortranOrder,
          compressed: zip.method === METHOD_DEFLATE,
        };
        entries.push({ info, zip, header, zipDataOffset });
      }
      return new NpzReader(path, fh, entries);
    } catch (err) {
      await fh.close();
      if (err instanceof ArrayFileError) throw err;
      throw new ArrayFileError(path, `corrupt zip archive (${(err as Error).message})`, { cause: err });
    }
  }

  /** Headers of the arrays, in archive order. */
  get entries(): NpzEntryInfo[] {
    return [...this.byName.values()].map((e) => ({ ...e.info, shape: [...e.info.shape] }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The header of one array; throws ArrayFileError naming the keys present when it is missing. */
  entry(name: string): NpzEntryInfo {
    const info = this.get(name).info;
    return { ...info, shape: [...info.shape] };
  }

  /** Reads one whole array (and checks its CRC). */
  async read(name: string): Promise<NdArray> {
    const e = this.get(name);
    const stream = this.stream(e);
    try {
      await stream.read(e.header.dataOffset);
      const out = this.allocate(e, elementCount(e.header.shape));
      await stream.read(e.header.dataLength, bytesOf(out));
      return { dtype: e.info.dtype, shape: [...e.info.shape], data: finishDecoded(e.header, out) };
    } finally {
      this.release(stream);
    }
  }

  /**
   * Reads every array entry through to its end without keeping it, through one 1 MiB buffer: each must
   * inflate to exactly its declared size and match its CRC-32. The upload check runs this, so a batch that
   * would fail part-way through an evaluation is refused when submitted.
   */
  async verify(): Promise<void> {
    const scratch = new Uint8Array(SCRATCH);
    for (const e of this.byName.values()) {
      const stream = this.stream(e);
      try {
        while (stream.remaining > 0) {
          const k = Math.min(stream.remaining, scratch.length);
          await stream.read(k, scratch.subarray(0, k));
        }
      } finally {
        this.release(stream);
      }
    }
  }

  /**
   * Reads rows `[start, start + count)` of the leading axis. Stored entries seek straight to them; deflated
   * entries inflate forward from the previous call's position (restarting when asked for earlier rows), so
   * read them in increasing order. Fortran-order arrays are read whole and sliced.
   */
  async readRows(name: string, start: number, count: number): Promise<NdArray> {
    const e = this.get(name);
    const { rowElements, rowBytes } = this.rowGeometry(e, start, count);
    const shape = [count, ...e.info.shape.slice(1)];
    if (e.header.fortranOrder && e.info.shape.length > 1) {
      const all = await this.read(name);
      const data = all.data.slice(start * rowElements, (start + count) * rowElements) as NdData;
      return { dtype: e.info.dtype, shape, data };
    }
    const out = this.allocate(e, count * rowElements);
    const target = e.header.dataOffset + start * rowBytes;
    if (e.zip.method === METHOD_STORED) {
      const got = await readAt(this.fh, e.zipDataOffset + target, count * rowBytes, bytesOf(out));
      if (got.length < count * rowBytes) throw new ArrayFileError(this.path, `truncated file: entry ${e.zip.name} ends early`);
    } else {
      let cursor = this.cursors.get(name);
      if (!cursor || cursor.position > target) {
        if (cursor) this.release(cursor);
        cursor = this.stream(e);
        this.cursors.set(name, cursor);
      }
      await cursor.skip(target - cursor.position);
      await cursor.read(count * rowBytes, bytesOf(out));
    }
    return { dtype: e.info.dtype, shape, data: finishDecoded({ ...e.header, shape }, out) };
  }

  /** Iterates over chunks of rows of the leading axis, in order, reading each byte once. */
  async *rows(name: string, options: RowIteratorOptions = {}): AsyncGenerator<NdArray> {
    const e = this.get(name);
    const total = e.info.shape.length ? e.info.shape[0] : 0;
    const start = options.start ?? 0;
    const end = options.end ?? total;
    const { rowElements, rowBytes } = this.rowGeometry(e, start, end - start);
    const batch = options.batchRows ?? Math.max(1, Math.floor(ROW_BATCH_BYTES / Math.max(1, rowBytes)));
    if (!Number.isSafeInteger(batch) || batch < 1) throw new RangeError(`batchRows must be a positive integer, got ${batch}`);
    if (e.header.fortranOrder && e.info.shape.length > 1) {
      // Rows of a Fortran-order array are not contiguous: transpose the whole array once, then slice it.
      const all = await this.read(name);
      for (let r = start; r < end; r += batch) {
        const count = Math.min(batch, end - r);
        const data = all.data.slice(r * rowElements, (r + count) * rowElements) as NdData;
        yield { dtype: e.info.dtype, shape: [count, ...e.info.shape.slice(1)], data };
      }
      return;
    }
    const stream = this.stream(e);
    try {
      await stream.read(e.header.dataOffset);
      await stream.skip(start * rowBytes);
      for (let r = start; r < end; r += batch) {
        const count = Math.min(batch, end - r);
        const shape = [count, ...e.info.shape.slice(1)];
        const out = this.allocate(e, count * rowElements);
        // The last row's read ends the entry, which checks the stream ends there and the CRC.
        await stream.read(count * rowBytes, bytesOf(out));
        yield { dtype: e.info.dtype, shape, data: finishDecoded({ ...e.header, shape }, out) };
      }
    } finally {
      this.release(stream);
    }
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.close();
    this.streams.clear();
    this.cursors.clear();
    await this.fh.close();
  }

  private get(name: string): OpenEntry {
    const e = this.byName.get(name);
    if (!e) {
      throw new ArrayFileError(
        this.path,
        `missing key '${name}' (the archive holds: ${[...this.byName.keys()].join(', ') || 'no arrays'})`,
      );
    }
    return e;
  }

  private stream(e: OpenEntry): EntryStream {
    const s = new EntryStream(this.fh, e.zip, e.zipDataOffset, this.path);
    this.streams.add(s);
    return s;
  }

  private release(s: EntryStream): void {
    s.close();
    this.streams.delete(s);
  }

  private allocate(e: OpenEntry, n: number): NdData {
    try {
      return allocate(e.info.dtype, n);
    } catch (err) {
      throw new ArrayFileError(this.path, `entry ${e.info.name} (${n} × ${e.info.dtype}) is too large to hold in memory; read it by rows`, {
        cause: err,
      });
    }
  }

  private rowGeometry(e: OpenEntry, start: number, count: number) {
    if (e.info.shape.length === 0) throw new ArrayFileError(this.path, `entry ${e.info.name} is a 0-d scalar and has no rows`);
    const rows = e.info.shape[0];
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > rows) {
      throw new RangeError(`rows [${start}, ${start + count}) are outside entry ${e.info.name} with ${rows} rows`);
    }
    const rowElements = elementCount(e.info.shape.slice(1));
    return { rows, rowElements, rowBytes: rowElements * ITEM_SIZE[e.info.dtype] };
  }
}

async function readHeader(stream: EntryStream, source: string): Promise<NpyHeader> {
  if (stream.remaining < 10) throw new ArrayFileError(source, 'not a .npy array (entry shorter than the .npy preamble)');
  const pre = await stream.read(10);
  let full: Uint8Array = pre;
  try {
    parseNpyHeader(pre, source);
  } catch (err) {
    // Only "needs more bytes" is expected here; anything else (bad magic, bad version) is final.
    if (!(err instanceof ArrayFileError) || !/truncated \.npy header/.test(err.problem)) throw err;
    const major = pre[6];
    const view = new DataView(pre.buffer, pre.byteOffset, 10);
    let need: number;
    if (major === 1) need = view.getUint16(8, true);
    else {
      const more = await readOrFail(stream, 2, source);
      full = concat(pre, more);
      need = new DataView(full.buffer).getUint32(8, true);
    }
    checkNpyHeaderLength(need, source);
    full = concat(full, await readOrFail(stream, need, source));
  }
  return parseNpyHeader(full, source);
}

async function readOrFail(stream: EntryStream, n: number, source: string): Promise<Uint8Array> {
  if (n > stream.remaining)
    throw new ArrayFileError(source, `truncated .npy header: needs ${n} more bytes, the entry has ${stream.remaining}`);
  return stream.read(n);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function bytesOf(data: NdData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Opens an archive for streaming reads (see NpzReader). */
export function openNpz(path: string): Promise<NpzReader> {
  return NpzReader.open(path);
}

/** Reads every array of an archive into memory, keyed as numpy does (entry name without `.npy`). */
export async function readNpz(path: string): Promise<Record<string, NdArray>> {
  const reader = await NpzReader.open(path);
  try {
    const out: Record<string, NdArray> = {};
    for (const { name } of reader.entries) out[name] = await reader.read(name);
    return out;
  } finally {
    await reader.close();
  }
}

export interface NpzWriterOptions {
  /** Deflate entries (numpy.savez_compressed) rather than store them (numpy.savez). Default false. */
  compress?: boolean;
  /** Write Zip64 records even when the archive does not need them (for tests of the Zip64 path). */
  forceZip64?: boolean;
}

interface CurrentEntry {
  name: string;
  dtype: DType;
  shape: number[];
  rowElements: number;
  totalElements: number;
  writtenElements: number;
  record: WrittenEntry;
  deflater?: Deflate;
  /** Compressed chunks the deflater produced and that still have to be written. */
  pending: Uint8Array[];
}

const WRITE_BUFFER = 8 * 1024 * 1024;

/**
 * Writes an archive entry by entry, each streamed in rows of its leading axis with its final shape declared
 * up front, so a 50,000-sample batch never has to be held in memory. Writes to a temporary file next to
 * `path` and renames it on `close()`; `abort()` removes it.
 */
export class NpzWriter {
  private position = 0;
  private buffer = new Uint8Array(WRITE_BUFFER);
  private buffered = 0;
  private bufferStart = 0;
  private readonly written: WrittenEntry[] = [];
  private readonly names = new Set<string>();
  private current?: CurrentEntry;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly tempPath: string,
    private readonly fh: FileHandle,
    private readonly options: NpzWriterOptions,
  ) {}

  static async create(path: string, options: NpzWriterOptions = {}): Promise<NpzWriter> {
    const tempPath = `${path}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      return new NpzWriter(path, tempPath, await open(tempPath, 'w'), options);
    } catch (err) {
      throw new ArrayFileError(path, `cannot create (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
  }

  /** Starts entry `name` (`.npy` is appended) holding an array of exactly this dtype and shape. */
  async begin(name: string, dtype: DType, shape: readonly number[], options: { compress?: boolean } = {}): Promise<void> {
    this.assertOpen();
    if (this.current) throw new ArrayFileError(this.path, `entry ${this.current.name} is still open; call end() first`);
    if (this.names.has(name)) throw new ArrayFileError(this.path, `duplicate key '${name}'`);
    if (!ITEM_SIZE[dtype]) throw new ArrayFileError(this.path, `unsupported dtype '${String(dtype)}'`);
    if (shape.some((d) => !Number.isSafeInteger(d) || d < 0))
      throw new ArrayFileError(this.path, `invalid shape ${JSON.stringify(shape)} for '${name}'`);
    this.names.add(name);
    const compress = options.compress ?? this.options.compress ?? false;
    const nameBytes = new TextEncoder().encode(`${name}.npy`);
    const npyHeader = encodeNpyHeader(dtype, shape);
    const totalElements = elementCount(shape);
    const size = npyHeader.length + totalElements * ITEM_SIZE[dtype];
    const record: WrittenEntry = {
      name: nameBytes,
      method: compress ? METHOD_DEFLATE : METHOD_STORED,
      crc32: 0,
      compressedSize: compress ? 0 : size,
      uncompressedSize: size,
      localHeaderOffset: this.position,
    };
    await this.emit(localHeader(nameBytes, record.method, 0, record.compressedSize, size));
    const entry: CurrentEntry = {
      name,
      dtype,
      shape: [...shape],
      rowElements: shape.length > 1 ? elementCount(shape.slice(1)) : 1,
      totalElements,
      writtenElements: 0,
      record,
      pending: [],
    };
    this.current = entry;
    if (compress) entry.deflater = new Deflate({ level: 6 }, (chunk) => entry.pending.push(chunk));
    await this.payload(npyHeader);
  }

  /**
   * Appends whole rows of the open entry (elements of a 1-d entry; the single element of a 0-d one): a
   * typed array of the entry's class, or an NdArray whose trailing dimensions match.
   */
  async append(rows: NdArray | NdData): Promise<void> {
    this.assertOpen();
    const e = this.current;
    if (!e) throw new ArrayFileError(this.path, 'no open entry; call begin() first');
    const data = ArrayBuffer.isView(rows) ? rows : rows.data;
    if (!ArrayBuffer.isView(rows)) {
      const a = rows;
      if (a.dtype !== e.dtype) throw new ArrayFileError(this.path, `entry ${e.name} is ${e.dtype}, rows are ${a.dtype}`);
      const tail = a.shape.slice(1).join(',');
      if (e.shape.length > 1 && tail !== e.shape.slice(1).join(',')) {
        throw new ArrayFileError(
          this.path,
          `entry ${e.name} has rows of shape [${e.shape.slice(1).join(', ')}], got [${a.shape.slice(1).join(', ')}]`,
        );
      }
    }
    const expected = allocate(e.dtype, 0).constructor.name;
    if (data.constructor.name !== expected) {
      throw new ArrayFileError(this.path, `entry ${e.name} is ${e.dtype} and needs a ${expected}, got a ${data.constructor.name}`);
    }
    if (data.length % e.rowElements !== 0) {
      throw new ArrayFileError(this.path, `entry ${e.name}: ${data.length} elements are not a whole number of rows of ${e.rowElements}`);
    }
    if (e.writtenElements + data.length > e.totalElements) {
      throw new ArrayFileError(this.path, `entry ${e.name}: more data than its shape [${e.shape.join(', ')}] holds`);
    }
    e.writtenElements += data.length;
    await this.payload(dataBytes(data));
  }

  /** Finishes the open entry; throws unless exactly the declared number of elements was appended. */
  async end(): Promise<void> {
    this.assertOpen();
    const e = this.current;
    if (!e) throw new ArrayFileError(this.path, 'no open entry to end');
    if (e.writtenElements !== e.totalElements) {
      throw new ArrayFileError(this.path, `entry ${e.name}: ${e.writtenElements} of ${e.totalElements} elements written`);
    }
    if (e.deflater) {
      e.deflater.push(new Uint8Array(0), true);
      await this.flushDeflated(e);
    }
    await this.flush();
    // Patch the CRC (and, for deflated entries, the compressed size in the Zip64 extra field).
    const crcBytes = new Uint8Array(4);
    new DataView(crcBytes.buffer).setUint32(0, e.record.crc32 >>> 0, true);
    await this.fh.write(crcBytes, 0, 4, e.record.localHeaderOffset + 14);
    if (e.deflater) {
      e.record.compressedSize = this.position - (e.record.localHeaderOffset + 30 + e.record.name.length + 20);
      const size = new Uint8Array(8);
      new DataView(size.buffer).setBigUint64(0, BigInt(e.record.compressedSize), true);
      await this.fh.write(size, 0, 8, e.record.localHeaderOffset + 30 + e.record.name.length + 12);
    }
    this.written.push(e.record);
    this.current = undefined;
  }

  /** Writes a whole array as one entry. */
  async add(name: string, array: NdArray, options: { compress?: boolean } = {}): Promise<void> {
    checkNdArray(array, `${this.path}[${name}]`);
    await this.begin(name, array.dtype, array.shape, options);
    await this.append(array.data);
    await this.end();
  }

  /** Writes the central directory and moves the finished archive into place. */
  async close(): Promise<void> {
    this.assertOpen();
    if (this.current) throw new ArrayFileError(this.path, `entry ${this.current.name} was not ended`);
    await this.emit(centralDirectory(this.written, this.position, this.options.forceZip64));
    await this.flush();
    this.closed = true;
    await this.fh.close();
    await rename(this.tempPath, this.path);
  }

  /** Gives up: closes and deletes the temporary file. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  private assertOpen(): void {
    if (this.closed) throw new ArrayFileError(this.path, 'writer is closed');
  }

  // Entry content: CRC over the uncompressed bytes, then either straight out or through the deflater.
  private async payload(bytes: Uint8Array): Promise<void> {
    const e = this.current!;
    if (bytes.length > 0) e.record.crc32 = crc32(bytes, e.record.crc32);
    if (!e.deflater) return this.emit(bytes);
    for (let at = 0; at < bytes.length; at += CHUNK) {
      e.deflater.push(bytes.subarray(at, Math.min(bytes.length, at + CHUNK)));
      await this.flushDeflated(e);
    }
  }

  private async flushDeflated(e: CurrentEntry): Promise<void> {
    while (e.pending.length) await this.emit(e.pending.shift()!);
  }

  private async emit(bytes: Uint8Array): Promise<void> {
    if (this.buffered + bytes.length > this.buffer.length) await this.flush();
    if (bytes.length >= this.buffer.length) {
      await this.writeAt(bytes, this.position);
    } else {
      if (this.buffered === 0) this.bufferStart = this.position;
      this.buffer.set(bytes, this.buffered);
      this.buffered += bytes.length;
    }
    this.position += bytes.length;
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    await this.writeAt(this.buffer.subarray(0, this.buffered), this.bufferStart);
    this.buffered = 0;
  }

  private async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }
}

/** Writes arrays as an `.npz` archive that numpy.load reads; `compress` deflates the entries. */
export async function writeNpz(path: string, arrays: Record<string, NdArray>, opts: { compress?: boolean } = {}): Promise<void> {
  const writer = await NpzWriter.create(path, { compress: opts.compress ?? false });
  try {
    for (const [name, array] of Object.entries(arrays)) await writer.add(name, array);
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
