import * as ort from 'onnxruntime-node';
import { declaredOutput, parseSegmentationOutput, SegmentationOutputProblem } from '../tasks/segmentation/segmentation-output.js';
import type { SegmentationManifest } from '../../../contracts/manifest/segmentation-manifest.schemas.js';
import type { InspectionReport, TensorInfo } from '../../../contracts/inspection/inspection.js';
import { onnxErrorText } from '../onnx/error-text.js';

/**
 * Submission-time checks of an `extractor` or `segmenter` graph: it has exactly the one image input the
 * manifest names (float32, and [N, 3, input_size, input_size] where its shape is static), the declared
 * output exists, and a dry run on a batch of 2 images at input_size returns that output with a usable
 * type and rank (features / scores float32 [2, C, h, w], segment ids integer [2, h, w]).
 */
const BATCH = 2;

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

export async function inspectSegmentationModel(session: ort.InferenceSession, manifest: SegmentationManifest): Promise<InspectionReport> {
  const inputs = describe(session.inputMetadata);
  const outputs = describe(session.outputMetadata);
  const names = (list: TensorInfo[]) => list.map((t) => t.name).join(', ') || 'none';
  const image = inputs.find((i) => i.name === manifest.inputs.images);
  if (!image)
    return {
      ok: false,
      field: 'inputs.images',
      problem: `the graph has no input named "${manifest.inputs.images}" (inputs: ${names(inputs)})`,
    };
  if (inputs.length !== 1) {
    return {
      ok: false,
      field: 'inputs',
      problem: `the graph has ${inputs.length} inputs (${names(inputs)}) but a ${manifest.kind} takes only the images`,
    };
  }
  const out = declaredOutput(manifest);
  if (!outputs.some((o) => o.name === out.name)) {
    return { ok: false, field: `outputs.${out.role}`, problem: `the graph has no output named "${out.name}" (outputs: ${names(outputs)})` };
  }
  if (image.type !== 'float32')
    return { ok: false, field: 'inputs.images', problem: `input "${image.name}" must be float32, the graph declares ${image.type}` };
  const size = manifest.input_size;
  const want = [BATCH, 3, size, size];
  const fixed = image.shape.map((d, i) => (typeof d === 'number' && d > 0 && i > 0 ? d : undefined));
  if (image.shape.length !== 4 || fixed.some((d, i) => d !== undefined && d !== want[i])) {
    return {
      ok: false,
      field: 'input_size',
      problem: `input "${image.name}" is declared [${image.shape.join(', ')}], but the manifest (input_size ${size}) feeds [N, 3, ${size}, ${size}]`,
    };
  }
  let result: ort.InferenceSession.ReturnType;
  try {
    // Mid-grey in every normalization is close to 0; the values are irrelevant to a shape check.
    result = await session.run({ [image.name]: new ort.Tensor('float32', new Float32Array(BATCH * 3 * size * size), want) }, [out.name]);
  } catch (err) {
    const why = onnxErrorText(err);
    // The input matches what the graph declares, so this is the model's own failure (e.g. an allocation).
    return {
      ok: false,
      field: 'file',
      problem: `the model failed while running a dry run on a batch of ${BATCH} images [${want.join(', ')}]: ${why}`,
    };
  }
  const parsed = parseSegmentationOutput(manifest, result[out.name], BATCH);
  if (parsed instanceof SegmentationOutputProblem) return { ok: false, field: parsed.field, problem: parsed.problem };
  return { ok: true, inputs, outputs };
}
