import type * as ort from 'onnxruntime-node';
import type { SegmentationManifest } from '../../../../contracts/manifest/segmentation-manifest.schemas.js';

/**
 * What an `extractor` or `segmenter` graph returns for a batch, once checked against its manifest. Shared by
 * the submission-time dry run (runner/src/inspect/inspect-segmentation.ts) and the evaluation, so both refuse
 * the same outputs with the same words.
 */
export type SegmentationOutput =
  /** float32 [N, C, h, w]. */
  | { role: 'features' | 'scores'; data: Float32Array; count: number; channels: number; height: number; width: number }
  /** Integer ids [N, h, w], widened or checked into int32. */
  | { role: 'segments'; data: Int32Array; count: number; channels: 1; height: number; width: number };

export type SegmentationRole = SegmentationOutput['role'];

/** Integer tensor types accepted for segment ids. */
export const SEGMENT_ID_TYPES = ['int64', 'int32', 'int16', 'int8', 'uint16', 'uint8'] as const;

/** The one output a manifest declares: its role and the graph's name for it. */
export function declaredOutput(m: SegmentationManifest): { role: SegmentationRole; name: string } {
  if (m.kind === 'extractor') return { role: 'features', name: m.outputs.features };
  if (m.outputs.segments !== undefined) return { role: 'segments', name: m.outputs.segments };
  return { role: 'scores', name: m.outputs.scores! };
}

export class SegmentationOutputProblem {
  constructor(
    /** The manifest field a submitter would change. */
    readonly field: string,
    readonly problem: string,
  ) {}
}

const fmt = (dims: readonly number[]) => `[${dims.join(', ')}]`;

/** Checks type and shape of the declared output for a batch of `count` images; never judges values. */
export function parseSegmentationOutput(
  m: SegmentationManifest,
  tensor: ort.Tensor | undefined,
  count: number,
): SegmentationOutput | SegmentationOutputProblem {
  const { role, name } = declaredOutput(m);
  const field = `outputs.${role}`;
  if (!tensor) return new SegmentationOutputProblem(field, `the model returned no output "${name}"`);
  const dims = [...tensor.dims];
  if (role === 'segments') {
    if (!(SEGMENT_ID_TYPES as readonly string[]).includes(tensor.type)) {
      return new SegmentationOutputProblem(
        field,
        `output "${name}" holds segment ids and must be an integer tensor (${SEGMENT_ID_TYPES.join(', ')}), got ${tensor.type}`,
      );
    }
    if (dims.length !== 3 || dims[0] !== count || dims[1]! < 1 || dims[2]! < 1) {
      return new SegmentationOutputProblem(
        field,
        `for a batch of ${count} images output "${name}" must be segment ids [${count}, h, w], got shape ${fmt(dims)}`,
      );
    }
    const data = toInt32(tensor);
    if (typeof data === 'string') return new SegmentationOutputProblem(field, `output "${name}": ${data}`);
    return { role, data, count, channels: 1, height: dims[1]!, width: dims[2]! };
  }
  const what = role === 'features' ? 'a feature map [N, C, h, w]' : 'segment scores [N, S, h, w]';
  if (tensor.type !== 'float32')
    return new SegmentationOutputProblem(field, `output "${name}" must be float32 (${what}), got ${tensor.type}`);
  if (dims.length !== 4 || dims[0] !== count || dims.slice(1).some((d) => d < 1)) {
    return new SegmentationOutputProblem(
      field,
      `for a batch of ${count} images output "${name}" must be ${what} with N = ${count}, got shape ${fmt(dims)}`,
    );
  }
  return { role, data: tensor.data as Float32Array, count, channels: dims[1]!, height: dims[2]!, width: dims[3]! };
}

function toInt32(t: ort.Tensor): Int32Array | string {
  if (t.data instanceof Int32Array) return t.data;
  const out = new Int32Array(t.data.length);
  if (t.data instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) {
      const v = t.data[i]!;
      if (v < -2147483648n || v > 2147483647n) return `segment id ${v} does not fit in int32`;
      out[i] = Number(v);
    }
    return out;
  }
  out.set(t.data as ArrayLike<number>);
  return out;
}
