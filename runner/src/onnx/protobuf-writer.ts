// Minimal protobuf wire-format encoder (https://protobuf.dev/programming-guides/encoding/): just what an
// ONNX ModelProto needs. Nested messages are encoded first and then written length-delimited, which costs
// one copy per nesting level — irrelevant at the sizes of the models built here.

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/** Append-only protobuf message encoder. Field writers return `this` so calls can be chained. */
export class ProtoWriter {
  private buffer = new Uint8Array(256);
  private length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  /** A varint scalar (int32, int64, enum, bool). Negative values take 10 bytes, as in protobuf's int64. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  /** A `float` scalar (wire type 5, little-endian IEEE 754). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.scratch.setFloat32(0, value, true);
    this.push(new Uint8Array(this.scratch.buffer, 0, 4));
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** A `bytes` field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.push(value);
    return this;
  }

  /** An embedded message field. */
  message(field: number, value: ProtoWriter | Uint8Array): this {
    return this.bytes(field, value instanceof ProtoWriter ? value.finish() : value);
  }

  /** A packed `repeated float` field; omitted when empty, as proto3 does. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const body = new Uint8Array(values.length * 4);
    const view = new DataView(body.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, body);
  }

  /** A packed `repeated int64`/`int32` field; omitted when empty, as proto3 does. */
  packedVarints(field: number, values: ArrayLike<number | bigint>): this {
    if (values.length === 0) return this;
    const body = new ProtoWriter();
    for (let i = 0; i < values.length; i++) body.rawVarint(values[i]);
    return this.bytes(field, body.finish());
  }

  /** The encoded bytes so far (a copy; the writer stays usable). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1) throw new RangeError(`invalid protobuf field number ${field}`);
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`varint value ${value} is not a safe integer`);
      if (value >= 0 && value < 2 ** 31) {
        this.ensure(5);
        let v = value;
        while (v >= 0x80) {
          this.buffer[this.length++] = (v & 0x7f) | 0x80;
          v >>>= 7;
        }
        this.buffer[this.length++] = v;
        return;
      }
    }
    // Two's complement over 64 bits: protobuf encodes a negative int64 as its unsigned 64-bit value.
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.length++] = Number(v);
  }

  private push(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
