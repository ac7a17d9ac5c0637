// The FID Inception as ONNX, from TF's inception-2015-12-05 `classify_image_graph_def.pb` (the file ADM's
// evaluations/evaluator.py downloads). ADM feeds the graph at "ExpandDims:0" and lets it resize (ResizeBilinear
// to 299×299) and normalize (Sub 128, then Mul 1/128, the node TF's retrain.py calls "Mul:0"); our
// preprocessing does both outside the graph (tf1-bilinear, (x − 128)/128), so the export starts at "Mul:0".
// Outputs, as runner/src/evaluation/features.ts reads them:
// - pool_3 [N, 2048]: "pool_3:0" flattened (evaluator.py FID_POOL_NAME, reshaped to [N, −1]);
// - mixed_6_conv [N, C, 17, 17] NCHW: "mixed_6/conv:0" (FID_SPATIAL_NAME; features.ts keeps 7 channels in
//   (h, w, c) order, as evaluator.py's `spatial[..., :7]` flattened);
// - logits [N, 1008]: pool_3 · W with W the second input of "softmax/logits/MatMul" and no bias, exactly as
//   evaluator.py's _create_softmax_graph (after improved-gan); the metrics apply the softmax themselves.

import { GraphBuilder } from '../graph-builder.js';
import { GraphDefConverter, TfConversionError, parseTensorName, type TfShape } from './graph-def-to-onnx.js';
import { parseGraphDef } from './graph-def.js';

export const FID_INCEPTION_TF = {
  input: 'Mul:0',
  pool: 'pool_3:0',
  spatial: 'mixed_6/conv:0',
  logitsMatMul: 'softmax/logits/MatMul',
} as const;

export const FID_INCEPTION_ONNX = { input: 'images', pool: 'pool_3', spatial: 'mixed_6_conv', logits: 'logits' } as const;

export const FID_INCEPTION_INPUT_SIZE = 299;

function dims(shape: TfShape): Array<number | string> {
  return shape.map((d, i) => (d === null ? (i === 0 ? 'batch' : `d${i}`) : d));
}

/**
 * Converts the GraphDef bytes to the ONNX model described above. Throws GraphDefError for bytes that are
 * not a GraphDef and TfConversionError for a graph that lacks a node or uses an unsupported op.
 */
export function exportFidInception(pb: Uint8Array, inputSize = FID_INCEPTION_INPUT_SIZE): Uint8Array {
  const graph = parseGraphDef(pb);
  for (const tensor of [FID_INCEPTION_TF.input, FID_INCEPTION_TF.pool, FID_INCEPTION_TF.spatial, FID_INCEPTION_TF.logitsMatMul]) {
    const { node } = parseTensorName(tensor);
    if (!graph.nodes.has(node))
      throw new TfConversionError(`the graph has no node '${node}': is this inception-2015-12-05's classify_image_graph_def.pb?`);
  }
  const b = new GraphBuilder({ name: 'inception-2015-12-05', producerName: 'genbench export-inception' });
  b.input(FID_INCEPTION_ONNX.input, 'float32', ['batch', 3, inputSize, inputSize]);
  const conv = new GraphDefConverter(graph, b, {
    tensor: FID_INCEPTION_TF.input,
    name: FID_INCEPTION_ONNX.input,
    layout: 'nchw',
    shape: [null, inputSize, inputSize, 3],
  });

  const poolShape = conv.shape(FID_INCEPTION_TF.pool);
  if (poolShape.length !== 4) throw new TfConversionError(`${FID_INCEPTION_TF.pool} is ${poolShape.length}-D, expected [N, 1, 1, 2048]`);
  const poolDim = poolShape.slice(1).reduce<number>((a, d) => a * (d ?? NaN), 1);
  b.node('Flatten', [conv.value(FID_INCEPTION_TF.pool, 'tf')], [FID_INCEPTION_ONNX.pool], {}, 'pool_3/flatten');
  b.output(FID_INCEPTION_ONNX.pool, 'float32', ['batch', poolDim]);

  const spatialShape = conv.shape(FID_INCEPTION_TF.spatial);
  if (spatialShape.length !== 4) throw new TfConversionError(`${FID_INCEPTION_TF.spatial} is ${spatialShape.length}-D, expected 4-D`);
  b.node('Identity', [conv.value(FID_INCEPTION_TF.spatial, 'nchw')], [FID_INCEPTION_ONNX.spatial], {}, 'mixed_6/conv/nchw');
  const [n, h, w, c] = dims(spatialShape);
  b.output(FID_INCEPTION_ONNX.spatial, 'float32', [n!, c!, h!, w!]);

  const matmul = conv.node(FID_INCEPTION_TF.logitsMatMul);
  if (matmul.op !== 'MatMul') throw new TfConversionError(`node ${matmul.name} is a ${matmul.op}, expected MatMul`);
  const weightsName = matmul.inputs[1];
  if (weightsName === undefined) throw new TfConversionError(`node ${matmul.name} has no weights input`);
  const weights = conv.constant(weightsName, matmul.name);
  const transposed = matmul.attrs.get('transpose_b');
  if (!(weights.data instanceof Float32Array) || weights.shape.length !== 2)
    throw new TfConversionError(`the weights of ${matmul.name} (${weightsName}) must be a 2-D float32 constant`);
  const [rows, cols] = weights.shape as [number, number];
  let data = weights.data;
  let wDims: [number, number] = [rows, cols];
  if (transposed?.kind === 'b' && transposed.value) {
    data = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[j * rows + i] = weights.data[i * cols + j]!;
    wDims = [cols, rows];
  }
  if (wDims[0] !== poolDim) throw new TfConversionError(`the weights of ${matmul.name} take ${wDims[0]} features, pool_3 has ${poolDim}`);
  b.initializer('softmax/weights#adm', data, wDims);
  b.node('MatMul', [FID_INCEPTION_ONNX.pool, 'softmax/weights#adm'], [FID_INCEPTION_ONNX.logits], {}, 'logits/adm');
  b.output(FID_INCEPTION_ONNX.logits, 'float32', ['batch', wDims[1]]);
  return b.toBytes();
}
