// Generators that the submission checks must refuse, each wrong in one way (runner/src/inspect/).
import { GraphBuilder } from '../../../runner/src/onnx/graph-builder.js';
import { normalWeights } from '../../../runner/src/onnx/models/seeded-weights.js';

/**
 * `z` float32 [batch, noiseDim] → `images` float32 [batch, 3, R, R] = sigmoid(z · w) · scale + offset:
 * values in (offset, offset + scale). scale 255, offset 0 is a generator that outputs [0, 255].
 */
export function buildScaledGenerator(options: {
  noiseDim: number;
  resolution: number;
  scale: number;
  offset: number;
  seed?: number;
}): Uint8Array {
  const { noiseDim, resolution: R } = options;
  const pixels = 3 * R * R;
  return new GraphBuilder({ name: 'scaled-generator' })
    .input('z', 'float32', ['batch', noiseDim])
    .initializer('w', normalWeights(options.seed ?? 1, 'w', noiseDim * pixels, 2 / Math.sqrt(noiseDim)), [noiseDim, pixels])
    .initializer('scale', new Float32Array([options.scale]), [1])
    .initializer('offset', new Float32Array([options.offset]), [1])
    .initializer('image_shape', new BigInt64Array([-1n, 3n, BigInt(R), BigInt(R)]), [4])
    .node('MatMul', ['z', 'w'], ['pre'])
    .node('Sigmoid', ['pre'], ['unit'])
    .node('Mul', ['unit', 'scale'], ['scaled'])
    .node('Add', ['scaled', 'offset'], ['flat'])
    .node('Reshape', ['flat', 'image_shape'], ['images'])
    .output('images', 'float32', ['batch', 3, R, R])
    .toBytes();
}

/**
 * A generator of the right shapes that asks onnxruntime for `elements` float32 values per call (a
 * ConstantOfShape of that size, multiplied by 0 and added to the images): with more than the machine has,
 * every run fails with onnxruntime's allocation error, whatever its inputs.
 */
export function buildAllocatingGenerator(options: { noiseDim: number; resolution: number; elements: bigint }): Uint8Array {
  const { noiseDim, resolution: R } = options;
  const pixels = 3 * R * R;
  return new GraphBuilder({ name: 'allocating-generator' })
    .input('z', 'float32', ['batch', noiseDim])
    .initializer('w', normalWeights(1, 'w', noiseDim * pixels, 1 / Math.sqrt(noiseDim)), [noiseDim, pixels])
    .initializer('huge_shape', new BigInt64Array([options.elements]), [1])
    .initializer('zero', new Float32Array([0]), [1])
    .initializer('image_shape', new BigInt64Array([-1n, 3n, BigInt(R), BigInt(R)]), [4])
    .node('MatMul', ['z', 'w'], ['pre'])
    .node('Tanh', ['pre'], ['flat'])
    .node('ConstantOfShape', ['huge_shape'], ['huge'])
    .node('ReduceMax', ['huge'], ['huge_max'])
    .node('Mul', ['huge_max', 'zero'], ['nothing'])
    .node('Add', ['flat', 'nothing'], ['sum'])
    .node('Reshape', ['sum', 'image_shape'], ['images'])
    .output('images', 'float32', ['batch', 3, R, R])
    .toBytes();
}

/**
 * A graph that returns its input `pass` unchanged (plus 0 × the maximum of a ConstantOfShape of `elements`
 * float32 values), with other inputs accepted and unused: a denoiser (x, t → x) or an extractor (images →
 * images as features) of the right shapes that fails every run with onnxruntime's allocation error.
 */
export function buildAllocatingPassThrough(options: {
  inputs: ReadonlyArray<{ name: string; type: 'float32' | 'int64'; dims: ReadonlyArray<number | string> }>;
  pass: string;
  output: string;
  elements: bigint;
}): Uint8Array {
  const g = new GraphBuilder({ name: 'allocating-pass-through' });
  for (const i of options.inputs) g.input(i.name, i.type, i.dims);
  const passDims = options.inputs.find((i) => i.name === options.pass)!.dims;
  return g
    .initializer('huge_shape', new BigInt64Array([options.elements]), [1])
    .initializer('zero', new Float32Array([0]), [1])
    .node('ConstantOfShape', ['huge_shape'], ['huge'])
    .node('ReduceMax', ['huge'], ['huge_max'])
    .node('Mul', ['huge_max', 'zero'], ['nothing'])
    .node('Add', [options.pass, 'nothing'], [options.output])
    .output(options.output, 'float32', passDims)
    .toBytes();
}
