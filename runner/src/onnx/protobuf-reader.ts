/**
 * Minimal protobuf wire-format reader: iterates the fields of one message. Enough to walk an ONNX
 * ModelProto for safety checks without a protobuf dependency (field numbers from onnx/onnx.proto3).
 */
export class ProtobufReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufReadError';
  }
}

/** One field; fixed-width fields (wire 1: 8 bytes, wire 5: 4 bytes, little-endian) carry their raw bytes. */
export type ProtoField =
  | { field: number; wire: 0; value: bigint }
  | { field: number; wire: 2; bytes: Uint8Array }
  | { field: number; wire: 1 | 5; bytes: Uint8Array };

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufReadError('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
  throw new ProtobufReadError('varint longer than 10 bytes');
}

export function* fields(buf: Uint8Array): Generator<ProtoField> {
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtobufReadError('field number 0');
    if (wire === 0) {
      const [value, p2] = readVarint(buf, pos);
      pos = p2;
      yield { field, wire, value };
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      if (len < 0n || end > buf.length) throw new ProtobufReadError('length-delimited field runs past the end');
      yield { field, wire, bytes: buf.subarray(p2, end) };
      pos = end;
    } else if (wire === 1 || wire === 5) {
      const end = pos + (wire === 1 ? 8 : 4);
      if (end > buf.length) throw new ProtobufReadError('truncated fixed-width field');
      yield { field, wire, bytes: buf.subarray(pos, end) };
      pos = end;
    } else {
      throw new ProtobufReadError(`unsupported wire type ${wire}`);
    }
  }
}
