// The NumPy `.npy` format, versions 1.0-3.0, as specified in numpy/lib/format.py (NEP 1): magic
// "\x93NUMPY", a Python-literal header dict {descr, fortran_order, shape}, then the raw array bytes.
// Arrays come back in C order and native (little-endian) byte order whatever the file used.

import { ArrayFileError } from './array-file-error.js';

export { ArrayFileError } from './array-file-error.js';

export type DType = 'float32' | 'float64' | 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'int64' | 'bool';

export type NdData = Float32Array | Float64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | BigInt64Array;

/** A C-order array: `data.length` is the product of `shape` (1 for a 0-d scalar). `bool` is stored as 0/1 bytes. */
export interface NdArray {
  dtype: DType;
  shape: number[];
  data: NdData;
}

/** What an `.npy` header says, plus where the data starts. */
export interface NpyHeader {
  dtype: DType;
  shape: number[];
  fortranOrder: boolean;
  /** Byte order of the stored data (1-byte types report true). */
  littleEndian: boolean;
  /** Offset of the first data byte from the start of the `.npy` bytes. */
  dataOffset: number;
  itemSize: number;
  /** Bytes of array data: product(shape) × itemSize. */
  dataLength: number;
}

export const DTYPES: readonly DType[] = ['float32', 'float64', 'uint8', 'int8', 'int16', 'uint16', 'int32', 'int64', 'bool'];

export const ITEM_SIZE: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  uint8: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
};

// numpy's descr kind+size → our dtype ('b1' is bool; numpy also writes '|b1').
const DESCR_TO_DTYPE: Readonly<Record<string, DType>> = {
  f4: 'float32',
  f8: 'float64',
  u1: 'uint8',
  i1: 'int8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  i8: 'int64',
  b1: 'bool',
};

const DTYPE_TO_DESCR: Readonly<Record<DType, string>> = {
  float32: '<f4',
  float64: '<f8',
  uint8: '|u1',
  int8: '|i1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  int64: '<i8',
  bool: '|b1',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Longest header dict read, in bytes: numpy.load's own default limit (`max_header_size`, numpy/lib/format.py
 * `_MAX_HEADER_SIZE`); numpy writes about 120 bytes for the arrays read here.
 */
export const MAX_NPY_HEADER_LENGTH = 10_000;
/** Most dimensions a shape may have (numpy 2's NPY_MAXDIMS). */
export const MAX_NPY_DIMENSIONS = 64;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A zero-filled typed array of the class that holds `dtype`. */
export function allocate(dtype: DType, length: number): NdData {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
  }
}

/** The number of elements of an array of this shape (1 for a 0-d scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function expectedClass(dtype: DType): string {
  return allocate(dtype, 0).constructor.name;
}

/** Throws ArrayFileError unless `a` is consistent: the right typed array for its dtype and length. */
export function checkNdArray(a: NdArray, source: string): void {
  if (!DTYPES.includes(a.dtype)) throw new ArrayFileError(source, `unsupported dtype '${String(a.dtype)}'`);
  if (!Array.isArray(a.shape) || a.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new ArrayFileError(source, `invalid shape ${JSON.stringify(a.shape)}`);
  }
  if (a.data?.constructor.name !== expectedClass(a.dtype)) {
    throw new ArrayFileError(source, `dtype ${a.dtype} needs a ${expectedClass(a.dtype)}, got ${a.data?.constructor.name}`);
  }
  const n = elementCount(a.shape);
  if (a.data.length !== n) {
    throw new ArrayFileError(source, `shape [${a.shape.join(', ')}] needs ${n} elements, data has ${a.data.length}`);
  }
}

/** Parses the magic, version and header dict. `bytes` must hold at least the whole header. */
export function parseNpyHeader(bytes: Uint8Array, source = '<npy>'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new ArrayFileError(source, 'not a .npy array (bad magic: expected \\x93NUMPY)');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new ArrayFileError(source, 'truncated .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new ArrayFileError(source, `unsupported .npy format version ${major}.${bytes[7]}`);
  }
  checkNpyHeaderLength(headerLength, source);
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) {
    throw new ArrayFileError(source, `truncated .npy header: needs ${dataOffset} bytes, found ${bytes.length}`);
  }
  // Version 3 allows UTF-8 in the header; 1 and 2 are latin-1. Field names and values we accept are ASCII.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataOffset));
  let dict: unknown;
  try {
    dict = parsePythonLiteral(text);
  } catch (err) {
    throw new ArrayFileError(source, `unreadable .npy header ${JSON.stringify(text.trim())}`, { cause: err });
  }
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) {
    throw new ArrayFileError(source, `.npy header is not a dict: ${JSON.stringify(text.trim())}`);
  }
  const { descr, fortran_order: fortranOrder, shape } = dict as Record<string, unknown>;
  if (typeof descr !== 'string') {
    throw new ArrayFileError(source, `unsupported dtype ${JSON.stringify(descr)} (structured and object dtypes are not supported)`);
  }
  if (typeof fortranOrder !== 'boolean') throw new ArrayFileError(source, `.npy header has no boolean 'fortran_order'`);
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw new ArrayFileError(source, `.npy header has an invalid 'shape' ${JSON.stringify(shape)}`);
  }
  if (shape.length > MAX_NPY_DIMENSIONS) {
    throw new ArrayFileError(source, `.npy header declares ${shape.length} dimensions; numpy allows at most ${MAX_NPY_DIMENSIONS}`);
  }
  const m = /^([<>|=]?)([a-zA-Z]\d+)$/.exec(descr);
  const dtype = m ? DESCR_TO_DTYPE[m[2]] : undefined;
  if (!m || !dtype) {
    throw new ArrayFileError(source, `unsupported dtype '${descr}' (supported: ${DTYPES.join(', ')})`);
  }
  const itemSize = ITEM_SIZE[dtype];
  const littleEndian = itemSize === 1 || m[1] === '<' || m[1] === '|' || (m[1] !== '>' && HOST_LITTLE_ENDIAN);
  const dims = shape as number[];
  return { dtype, shape: dims, fortranOrder, littleEndian, dataOffset, itemSize, dataLength: elementCount(dims) * itemSize };
}

/** Throws ArrayFileError when a header declares a dict longer than MAX_NPY_HEADER_LENGTH, before it is read. */
export function checkNpyHeaderLength(headerLength: number, source: string): void {
  if (headerLength > MAX_NPY_HEADER_LENGTH) {
    throw new ArrayFileError(
      source,
      `the .npy header declares a length of ${headerLength} bytes; at most ${MAX_NPY_HEADER_LENGTH} are read (numpy.load's limit too)`,
    );
  }
}

/**
 * Decodes array bytes described by `header` into a C-order, native-endian array. `data` holds exactly the
 * elements to decode (`header.shape` may be a row slice of the stored array); it is copied, never aliased.
 */
export function decodeNpyData(
  header: Pick<NpyHeader, 'dtype' | 'shape' | 'fortranOrder' | 'littleEndian'>,
  data: Uint8Array,
  source = '<npy>',
): NdArray {
  const { dtype, shape } = header;
  const itemSize = ITEM_SIZE[dtype];
  const n = elementCount(shape);
  if (data.length < n * itemSize) {
    throw new ArrayFileError(source, `truncated array data: expected ${n * itemSize} bytes, found ${data.length}`);
  }
  let out: NdData;
  try {
    out = allocate(dtype, n);
  } catch (err) {
    throw new ArrayFileError(source, `array of ${n} ${dtype} elements is too large to hold in memory; read it in rows`, { cause: err });
  }
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(data.subarray(0, n * itemSize));
  out = finishDecoded(header, out);
  return { dtype, shape: [...shape], data: out };
}

/**
 * Turns raw stored elements, already copied into a typed array of the right class, into the C-order
 * native-endian array: swaps bytes in place, maps bool bytes to 0/1, transposes Fortran order (a new array).
 */
export function finishDecoded(header: Pick<NpyHeader, 'dtype' | 'shape' | 'fortranOrder' | 'littleEndian'>, data: NdData): NdData {
  const itemSize = ITEM_SIZE[header.dtype];
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (itemSize > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(bytes, itemSize);
  if (header.dtype === 'bool') {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] > 1) bytes[i] = 1;
  }
  return header.fortranOrder && header.shape.length > 1 ? fortranToC(data, header.shape) : data;
}

/** Reads a whole `.npy` file held in memory. `source` names it in error messages. */
export function readNpy(bytes: Uint8Array, source = '<npy>'): NdArray {
  const header = parseNpyHeader(bytes, source);
  const available = bytes.length - header.dataOffset;
  if (available < header.dataLength) {
    throw new ArrayFileError(
      source,
      `truncated array data: shape [${header.shape.join(', ')}] ${header.dtype} needs ${header.dataLength} bytes, found ${available}`,
    );
  }
  return decodeNpyData(header, bytes.subarray(header.dataOffset, header.dataOffset + header.dataLength), source);
}

/** The `.npy` header (format 1.0, or 2.0 when it would not fit) for a C-order little-endian array. */
export function encodeNpyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${DTYPE_TO_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy pads with spaces and a final newline so the data starts on a 64-byte boundary.
  let preamble = 10;
  let total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  if (total - preamble > 0xffff) {
    preamble = 12;
    total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  }
  const headerLength = total - preamble;
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = preamble === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (preamble === 10) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  const text = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) out[preamble + i] = text.charCodeAt(i);
  return out;
}

/** The little-endian bytes of an array's data (a view when the host is little-endian, otherwise a copy). */
export function dataBytes(data: NdData): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/** Encodes an array as a complete `.npy` file (C order, little-endian). */
export function encodeNpy(a: NdArray): Uint8Array {
  checkNdArray(a, '<encodeNpy>');
  const header = encodeNpyHeader(a.dtype, a.shape);
  const body = dataBytes(a.data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let i = 0; i + itemSize <= bytes.length; i += itemSize) {
    for (let a = i, b = i + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

// Fortran order stores the first index fastest; walk the C-order output with an odometer over the
// Fortran strides.
function fortranToC(src: NdData, shape: readonly number[]): NdData {
  const dst = allocate(dtypeOfData(src), src.length);
  const nd = shape.length;
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fStride[k] = s;
    s *= shape[k];
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  const last = nd - 1;
  const d = dst as unknown as { [i: number]: number | bigint };
  const x = src as unknown as { [i: number]: number | bigint };
  for (let c = 0; c < dst.length; c++) {
    d[c] = x[f];
    let k = last;
    idx[k]++;
    f += fStride[k];
    while (k > 0 && idx[k] === shape[k]) {
      f -= fStride[k] * shape[k];
      idx[k] = 0;
      k--;
      idx[k]++;
      f += fStride[k];
    }
  }
  return dst;
}

function dtypeOfData(data: NdData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

// A parser for the subset of Python literals numpy writes in headers: dicts, tuples, lists, strings,
// integers (with Python 2's optional L suffix), True, False and None.
function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i}`);
  };
  const value = (): unknown => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        const key = value();
        if (typeof key !== 'string') fail('dict key is not a string');
        skip();
        if (text[i++] !== ':') fail("expected ':'");
        obj[key as string] = value();
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: unknown[] = [];
      for (;;) {
        skip();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value());
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(i, i + 32));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    if (m[1] !== undefined) return Number(m[1]);
    return m[2] === 'True' ? true : m[2] === 'False' ? false : null;
  };
  const v = value();
  skip();
  if (i !== text.length) fail('trailing characters');
  return v;
}
