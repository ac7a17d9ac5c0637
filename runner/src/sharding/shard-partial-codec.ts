// A shard's partial results as bytes, for the trip from a runner to the API and into PostgreSQL: "GBSHARD1",
// a little-endian uint32 header length, a JSON header (ranges, dimensions, which pieces), zero padding to a
// multiple of 8, then the arrays in header order, little-endian, each padded to 8 bytes — float64 means and
// packed Gram triangles, float32 rows. The float64 values travel as their bits, so the merge reads exactly
// what the shard computed.

import { z } from 'zod';
import { STATS_KEYS, ROWS_KEYS, type ShardPartial, type StatsPiece } from './shard-partial.js';

const MAGIC = Buffer.from('GBSHARD1', 'latin1');

export class ShardPartialCodecError extends Error {
  override readonly name = 'ShardPartialCodecError';
}

const Int = z.number().int().min(0);
const Header = z.strictObject({
  range: z.strictObject({ index: Int, of: Int.min(1), start: Int, end: Int }),
  samples: Int.min(1),
  blockRows: Int.min(1),
  backend: z.enum(['onnxruntime', 'js']),
  stats: z.partialRecord(
    z.enum(STATS_KEYS),
    z.strictObject({
      dim: Int.min(1),
      pieces: z.array(z.strictObject({ block: Int, kind: z.enum(['centered', 'rows']), rows: Int.min(1) })),
    }),
  ),
  rows: z.partialRecord(z.enum(ROWS_KEYS), z.strictObject({ dim: Int.min(1) })),
});

const pad8 = (n: number) => (8 - (n % 8)) % 8;

export function encodeShardPartial(p: ShardPartial): Buffer {
  const arrays: Array<Float64Array | Float32Array> = [];
  const header: z.infer<typeof Header> = {
    range: p.range,
    samples: p.samples,
    blockRows: p.blockRows,
    backend: p.backend,
    stats: {},
    rows: {},
  };
  for (const key of STATS_KEYS) {
    const s = p.stats[key];
    if (!s) continue;
    header.stats[key] = {
      dim: s.dim,
      pieces: s.pieces.map((piece) => {
        if ('centered' in piece) {
          arrays.push(piece.centered.mean, piece.centered.gram);
          return { block: piece.block, kind: 'centered' as const, rows: piece.centered.rows };
        }
        arrays.push(piece.rows.subarray(0, piece.count * s.dim));
        return { block: piece.block, kind: 'rows' as const, rows: piece.count };
      }),
    };
  }
  for (const key of ROWS_KEYS) {
    const r = p.rows[key];
    if (!r) continue;
    header.rows[key] = { dim: r.dim };
    arrays.push(r.data);
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const parts: Buffer[] = [MAGIC, length, json, Buffer.alloc(pad8(12 + json.length))];
  for (const a of arrays) {
    // Little-endian on every platform Node runs on; copied so a subarray's neighbours do not travel.
    parts.push(Buffer.from(a.slice().buffer), Buffer.alloc(pad8(a.byteLength)));
  }
  return Buffer.concat(parts);
}

export function decodeShardPartial(bytes: Uint8Array): ShardPartial {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC))
    throw new ShardPartialCodecError('not a shard partial result (no GBSHARD1 header)');
  const jsonLength = buf.readUInt32LE(8);
  if (12 + jsonLength > buf.length) throw new ShardPartialCodecError('truncated shard partial result (header)');
  let raw: unknown;
  try {
    raw = JSON.parse(buf.subarray(12, 12 + jsonLength).toString('utf8'));
  } catch (err) {
    throw new ShardPartialCodecError('shard partial result header is not JSON', { cause: err });
  }
  const parsed = Header.safeParse(raw);
  if (!parsed.success) throw new ShardPartialCodecError(`shard partial result header is invalid: ${parsed.error.issues[0]?.message}`);
  const h = parsed.data;
  let at = 12 + jsonLength + pad8(12 + jsonLength);
  const take = <T extends Float64Array | Float32Array>(Kind: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T => {
    const bytesNeeded = n * Kind.BYTES_PER_ELEMENT;
    if (at + bytesNeeded > buf.length) throw new ShardPartialCodecError('truncated shard partial result (arrays)');
    const copy = new Uint8Array(bytesNeeded);
    copy.set(buf.subarray(at, at + bytesNeeded));
    at += bytesNeeded + pad8(bytesNeeded);
    return new Kind(copy.buffer);
  };
  const partial: ShardPartial = { range: h.range, samples: h.samples, blockRows: h.blockRows, backend: h.backend, stats: {}, rows: {} };
  for (const key of STATS_KEYS) {
    const s = h.stats[key];
    if (!s) continue;
    const pieces: StatsPiece[] = s.pieces.map((piece) =>
      piece.kind === 'centered'
        ? {
            block: piece.block,
            centered: { rows: piece.rows, mean: take(Float64Array, s.dim), gram: take(Float64Array, (s.dim * (s.dim + 1)) / 2) },
          }
        : { block: piece.block, rows: take(Float32Array, piece.rows * s.dim), count: piece.rows },
    );
    partial.stats[key] = { dim: s.dim, pieces };
  }
  for (const key of ROWS_KEYS) {
    const r = h.rows[key];
    if (!r) continue;
    partial.rows[key] = { dim: r.dim, data: take(Float32Array, (h.range.end - h.range.start) * r.dim) };
  }
  if (at !== buf.length) throw new ShardPartialCodecError(`shard partial result has ${buf.length - at} bytes past its arrays`);
  return partial;
}
