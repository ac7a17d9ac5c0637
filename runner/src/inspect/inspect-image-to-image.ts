import * as ort from 'onnxruntime-node';
import type { ImageToImageManifest } from '../../../contracts/manifest/image-to-image-manifest.schemas.js';
import type { InspectionReport, TensorInfo } from '../../../contracts/inspection/inspection.js';
import { batchNormals } from '../sampling/noise.js';
import { outputRangeProblem } from './output-range.js';
import { onnxErrorText } from '../onnx/error-text.js';

/**
 * Submission-time checks of an `image_to_image` model (issue #17): the mapped tensor names exist and are the
 * graph's only inputs, the condition input is float32 NCHW, and a dry run on 2 mid-grey conditions of the
 * declared condition_resolution returns float32 [2, 3, resolution, resolution] in output_range. An output of
 * another size than the targets is refused here, before anything is stored. A text-and-image model is fed two
 * prompts encoded by its own text encoder (inspect-text-model.ts) at `inputs.context`.
 */
export async function inspectImageToImage(
  session: ort.InferenceSession,
  manifest: ImageToImageManifest,
  inputs: TensorInfo[],
  outputs: TensorInfo[],
  context?: ort.Tensor,
): Promise<InspectionReport> {
  const inByName = new Map(inputs.map((i) => [i.name, i]));
  const names = [
    ['condition', manifest.inputs.condition] as const,
    ...(manifest.inputs.noise ? [['noise', manifest.inputs.noise] as const] : []),
    ...(manifest.inputs.context ? [['context', manifest.inputs.context] as const] : []),
  ];
  if (manifest.inputs.context && !context) throw new Error('a text-and-image model is inspected with its encoded prompts');
  for (const [role, name] of names)
    if (!inByName.has(name))
      return {
        ok: false,
        field: `inputs.${role}`,
        problem: `the graph has no input named "${name}" (inputs: ${inputs.map((i) => i.name).join(', ') || 'none'})`,
      };
  if (!outputs.some((o) => o.name === manifest.outputs.images))
    return {
      ok: false,
      field: 'outputs.images',
      problem: `the graph has no output named "${manifest.outputs.images}" (outputs: ${outputs.map((o) => o.name).join(', ') || 'none'})`,
    };
  if (inputs.length !== names.length)
    return {
      ok: false,
      field: 'inputs',
      problem: `the graph has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}) but the manifest maps ${names.length}`,
    };
  const cond = inByName.get(manifest.inputs.condition)!;
  const side = manifest.condition_resolution;
  if (cond.type !== 'float32')
    return { ok: false, field: 'inputs.condition', problem: `input "${cond.name}" must be float32, the graph declares ${cond.type}` };
  const declared = [undefined, 3, side, side];
  if (
    cond.shape.length !== 4 ||
    cond.shape.some((d, k) => typeof d === 'number' && d > 0 && declared[k] !== undefined && d !== declared[k])
  )
    return {
      ok: false,
      field: 'condition_resolution',
      problem: `input "${cond.name}" is declared [${cond.shape.join(', ')}], but the manifest (condition_resolution ${side}) feeds [N, 3, ${side}, ${side}]`,
    };
  const batch = 2;
  const feeds: Record<string, ort.Tensor> = {
    [cond.name]: new ort.Tensor('float32', new Float32Array(batch * 3 * side * side), [batch, 3, side, side]),
  };
  if (manifest.inputs.noise && manifest.noise_dim) {
    const z = inByName.get(manifest.inputs.noise)!;
    if (z.type !== 'float32')
      return { ok: false, field: 'inputs.noise', problem: `input "${z.name}" must be float32, the graph declares ${z.type}` };
    feeds[z.name] = new ort.Tensor('float32', batchNormals(0, [0, 1], manifest.noise_dim, 0), [batch, manifest.noise_dim]);
  }
  if (manifest.inputs.context && context) feeds[manifest.inputs.context] = context;
  let out: ort.InferenceSession.ReturnType;
  try {
    out = await session.run(feeds, [manifest.outputs.images]);
  } catch (err) {
    const why = onnxErrorText(err);
    return {
      ok: false,
      field: 'file',
      problem: `the model failed on a dry run of ${batch} conditions [${batch}, 3, ${side}, ${side}]${context ? ' with 2 encoded prompts' : ''}: ${why}`,
    };
  }
  const img = out[manifest.outputs.images]!;
  const want = [batch, 3, manifest.resolution, manifest.resolution];
  if (img.type !== 'float32')
    return { ok: false, field: 'outputs.images', problem: `output "${manifest.outputs.images}" must be float32, got ${img.type}` };
  if (img.dims.length !== 4 || img.dims.some((d, i) => d !== want[i]))
    return {
      ok: false,
      field: 'resolution',
      problem: `for ${batch} conditions of 3×${side}×${side} the output "${manifest.outputs.images}" has shape [${img.dims.join(', ')}], but the targets (resolution ${manifest.resolution}) need [${want.join(', ')}] (NCHW, 3 channels)`,
    };
  const range = outputRangeProblem(img.data as Float32Array, manifest.output_range);
  if (range) return { ok: false, field: 'output_range', problem: `the dry run's images ${range}` };
  return { ok: true, inputs, outputs };
}
