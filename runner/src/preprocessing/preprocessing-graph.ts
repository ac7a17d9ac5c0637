// The resize and normalization of preprocess.ts as ONNX nodes, put in front of a feature extractor's own
// graph so that one session takes the uint8 NHWC images as they are decoded: onnxruntime then runs the
// preprocessing on its own threads (or on the GPU, where the images are uploaded as uint8 at their native
// size instead of as float32 at the extractor's), and nothing serial runs in JavaScript between batches.
//
// On the CPU provider the result is bit for bit that of preprocess.ts (preprocessing-graph.spec.ts checks
// it): TF1's legacy bilinear is written as its own float32 steps (Gather the two source rows or columns,
// Sub, Mul by the lerp, Add), not as ONNX Resize, whose `asymmetric` mode maps coordinates the same way but
// computes each output as one weighted sum of four pixels, rounding differently; normalization runs in
// float64 and is rounded once to float32, as JavaScript does. On other providers (no float64 kernels) it
// runs in float32, differing from the CPU by rounding only.

import { fields } from '../onnx/protobuf-reader.js';
import { GraphBuilder, attr } from '../onnx/graph-builder.js';
import { ProtoWriter } from '../onnx/protobuf-writer.js';
import type { Normalization } from '../../../contracts/enums.js';
import { axisWeights } from './tf1-bilinear.js';

/** The uint8 input the combined graph takes: [batch, size, size, 3], NHWC, as decoded. */
export const UINT8_IMAGES = 'genbench_images_uint8';
const P = 'genbench_pre_';

export class PreprocessingGraphError extends Error {
  override readonly name = 'PreprocessingGraphError';
}

export interface PreprocessingGraphOptions {
  /** Source images: size × size × 3. */
  srcSize: number;
  /** The extractor's input: targetSize × targetSize, NCHW float32. */
  targetSize: number;
  /** Only `tf1-bilinear` is written as a graph; equal sizes need no resize at all. */
  resize: 'tf1-bilinear' | 'none';
  normalization: Normalization;
  /** float64 normalization, rounded once (bit-exact with JavaScript), where the provider has float64 kernels. */
  exact: boolean;
}

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * A graph from UINT8_IMAGES to `output` (float32 [batch, 3, targetSize, targetSize]); its node and
 * initializer names all start with `genbench_pre_`.
 */
export function buildPreprocessingGraph(o: PreprocessingGraphOptions, output: string): Uint8Array {
  if (o.resize === 'none' && o.srcSize !== o.targetSize) {
    throw new PreprocessingGraphError(`images of ${o.srcSize}×${o.srcSize} need a resize to ${o.targetSize}×${o.targetSize}`);
  }
  const g = new GraphBuilder({ opset: 13, nodeNamePrefix: P });
  g.input(UINT8_IMAGES, 'uint8', ['batch', o.srcSize, o.srcSize, 3]);
  // To NCHW while the images are small and uint8, so the resize writes the extractor's layout directly.
  g.node('Transpose', [UINT8_IMAGES], [`${P}nchw_uint8`], { perm: attr.ints([0, 3, 1, 2]) });
  g.node('Cast', [`${P}nchw_uint8`], [`${P}pixels`], { to: attr.dataType('float32') });
  let x = `${P}pixels`;
  if (o.resize === 'tf1-bilinear' && o.srcSize !== o.targetSize) {
    // resizeTf1Bilinear's two passes, columns (axis 3) then rows (axis 2): out = a + f32(f32(b − a) · lerp),
    // a and b the source columns (rows) `lower` and `upper`. b − a is taken once per source pair, at the
    // source's size: `steps[k]` = pixel k+1 − pixel k, and 0 after the last, which is exactly b − a
    // wherever lerp ≠ 0 (then upper = lower + 1) and multiplies a lerp of 0 everywhere else (upper = lower).
    const w = axisWeights(o.srcSize, o.targetSize, false);
    const n = o.srcSize;
    g.initializer(`${P}lower`, BigInt64Array.from(w.lower, BigInt), [o.targetSize]);
    g.initializer(
      `${P}next`,
      BigInt64Array.from({ length: n }, (_, k) => BigInt(Math.min(k + 1, n - 1))),
      [n],
    );
    const pass = (input: string, axis: number, tag: string, lerpDims: number[]) => {
      const keepDims = axis === 3 ? [n] : [n, 1];
      g.initializer(
        `${P}${tag}_keep`,
        Float32Array.from({ length: n }, (_, k) => (k + 1 < n ? 1 : 0)),
        keepDims,
      );
      g.initializer(`${P}${tag}_lerp`, w.lerp, lerpDims);
      g.node('Gather', [input, `${P}next`], [`${P}${tag}_next`], { axis: attr.int(axis) });
      g.node('Sub', [`${P}${tag}_next`, input], [`${P}${tag}_step_all`]);
      // × 1 or × 0 is exact: the step after the last pixel is 0.
      g.node('Mul', [`${P}${tag}_step_all`, `${P}${tag}_keep`], [`${P}${tag}_steps`]);
      g.node('Gather', [input, `${P}lower`], [`${P}${tag}_a`], { axis: attr.int(axis) });
      g.node('Gather', [`${P}${tag}_steps`, `${P}lower`], [`${P}${tag}_d`], { axis: attr.int(axis) });
      g.node('Mul', [`${P}${tag}_d`, `${P}${tag}_lerp`], [`${P}${tag}_m`]);
      g.node('Add', [`${P}${tag}_a`, `${P}${tag}_m`], [`${P}${tag}_out`]);
      return `${P}${tag}_out`;
    };
    x = pass(pass(x, 3, 'x', [o.targetSize]), 2, 'y', [o.targetSize, 1]);
  }
  // float32 is exact for adm ((x − 128) and / 128 round nothing for x in [0, 255]); the others are computed
  // in float64 and rounded once, as JavaScript does, unless the provider has no float64 kernels.
  const wide = o.exact && o.normalization !== 'adm';
  const consts = (values: number[]) => (wide ? Float64Array.from(values) : Float32Array.from(values));
  if (wide) {
    g.node('Cast', [x], [`${P}wide`], { to: attr.dataType('float64') });
    x = `${P}wide`;
  }
  const step = (op: string, name: string, values: number[], dims: number[]) => {
    g.initializer(`${P}${name}`, consts(values), dims);
    g.node(op, [x, `${P}${name}`], [`${P}${name}_out`]);
    x = `${P}${name}_out`;
  };
  // The same operations, in the same order, as normalizeNhwc.
  if (o.normalization === 'adm') {
    step('Sub', 'adm_shift', [128], []);
    step('Div', 'adm_scale', [128], []);
  } else if (o.normalization === 'minus-one-one') {
    step('Div', 'pm1_scale', [127.5], []);
    step('Sub', 'pm1_shift', [1], []);
  } else {
    step('Div', 'imagenet_range', [255], []);
    step('Sub', 'imagenet_mean', IMAGENET_MEAN, [1, 3, 1, 1]);
    step('Div', 'imagenet_std', IMAGENET_STD, [1, 3, 1, 1]);
  }
  if (wide) g.node('Cast', [x], [output], { to: attr.dataType('float32') });
  else g.node('Identity', [x], [output]);
  g.output(output, 'float32', ['batch', 3, o.targetSize, o.targetSize]);
  return g.toBytes();
}

const decoder = new TextDecoder();

/** ValueInfoProto.name (1). */
function valueInfoName(bytes: Uint8Array): string {
  for (const f of fields(bytes)) if (f.field === 1 && f.wire === 2) return decoder.decode(f.bytes);
  return '';
}

/**
 * `model` with `prefix` (a graph from buildPreprocessingGraph whose output is `input`) in front: the
 * combined graph takes UINT8_IMAGES instead of `input`, and keeps every other input, output, initializer
 * and node of `model` byte for byte. ModelProto.graph = 7; GraphProto node = 1, initializer = 5, input = 11.
 * The prefix uses only operators that are unchanged since opset 13 and is checked by onnxruntime when the
 * session opens.
 */
export function prependPreprocessing(model: Uint8Array, prefix: Uint8Array, input: string): Uint8Array {
  let prefixGraph: Uint8Array | undefined;
  for (const f of fields(prefix)) if (f.field === 7 && f.wire === 2) prefixGraph = f.bytes;
  if (!prefixGraph) throw new PreprocessingGraphError('the preprocessing graph has no graph');
  const out = new ProtoWriter();
  let replaced = false;
  for (const f of fields(model)) {
    if (f.wire === 0) out.varint(f.field, f.value);
    else if (f.wire !== 2) throw new PreprocessingGraphError(`unexpected fixed-width field ${f.field} in the extractor's ModelProto`);
    else if (f.field !== 7) out.bytes(f.field, f.bytes);
    else {
      const graph = new ProtoWriter();
      for (const p of fields(prefixGraph)) if (p.wire === 2 && (p.field === 1 || p.field === 5)) graph.bytes(p.field, p.bytes);
      for (const g of fields(f.bytes)) {
        if (g.wire !== 2) throw new PreprocessingGraphError(`unexpected field ${g.field} in the extractor's graph`);
        if (g.field === 11 && valueInfoName(g.bytes) === input) {
          for (const p of fields(prefixGraph)) if (p.wire === 2 && p.field === 11) graph.bytes(11, p.bytes);
          replaced = true;
          continue;
        }
        graph.bytes(g.field, g.bytes);
      }
      out.message(7, graph);
    }
  }
  if (!replaced) throw new PreprocessingGraphError(`the extractor's graph has no input "${input}"`);
  return out.finish();
}
