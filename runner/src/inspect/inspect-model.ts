import * as ort from 'onnxruntime-node';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { inspectDenoiser } from './inspect-denoiser.js';
import { inspectImageToImage } from './inspect-image-to-image.js';
import { inspectSegmentationModel } from './inspect-segmentation.js';
import { externalTensorNames } from '../onnx/external-data.js';
import { batchNormals } from '../sampling/noise.js';
import { outputRangeProblem } from './output-range.js';
import type { InspectionReport, TensorInfo } from '../../../contracts/inspection/inspection.js';
import { onnxErrorText } from '../onnx/error-text.js';

/**
 * Submission-time checks of an ONNX file against its manifest: onnxruntime loads it, the tensor names the
 * manifest maps exist, and one dry run on a batch of 2 returns outputs of the declared shape and type.
 * Values are judged only against a generator's declared `output_range` (output-range.ts); a NaN shows up at
 * evaluation time, with the inputs that produced it.
 */

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

function fmtShape(s: ReadonlyArray<number | string>): string {
  return `[${s.join(', ')}]`;
}

export async function inspectModel(
  bytes: Uint8Array,
  manifest: Manifest,
  extras: { decoder?: Uint8Array; classifier?: Uint8Array } = {},
): Promise<InspectionReport> {
  const external = externalTensorNames(bytes);
  if (external.length > 0) {
    return {
      ok: false,
      field: 'file',
      problem: `the model keeps tensor data in external files (${external.slice(0, 5).join(', ')}${external.length > 5 ? ', …' : ''}); submit a self-contained .onnx with all weights inside it`,
    };
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    const why = onnxErrorText(err);
    return { ok: false, field: 'file', problem: `onnxruntime could not load the file as an ONNX model: ${why}` };
  }
  try {
    const inputs = describe(session.inputMetadata);
    const outputs = describe(session.outputMetadata);
    const inByName = new Map(inputs.map((i) => [i.name, i]));
    const outByName = new Map(outputs.map((o) => [o.name, o]));
    const missing = (role: string, name: string | undefined, map: Map<string, TensorInfo>, side: string) =>
      name !== undefined && !map.has(name)
        ? {
            ok: false as const,
            field: `${side}.${role}`,
            problem: `the graph has no ${side.slice(0, -1)} named "${name}" (${side}: ${[...map.keys()].join(', ') || 'none'})`,
          }
        : undefined;

    switch (manifest.kind) {
      case 'generator': {
        const miss =
          missing('noise', manifest.inputs.noise, inByName, 'inputs') ??
          missing('class', manifest.inputs.class, inByName, 'inputs') ??
          missing('images', manifest.outputs.images, outByName, 'outputs');
        if (miss) return miss;
        const expectedInputs = manifest.inputs.class ? 2 : 1;
        if (inputs.length !== expectedInputs) {
          return {
            ok: false,
            field: 'inputs',
            problem: `the graph has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}) but the manifest maps ${expectedInputs}`,
          };
        }
        const batch = 2;
        const z = inByName.get(manifest.inputs.noise)!;
        if (z.type !== 'float32')
          return { ok: false, field: 'inputs.noise', problem: `input "${z.name}" must be float32, the graph declares ${z.type}` };
        const declaredWidth = z.shape.length === 2 ? z.shape[1] : undefined;
        if (z.shape.length !== 2 || (typeof declaredWidth === 'number' && declaredWidth > 0 && declaredWidth !== manifest.noise_dim)) {
          return {
            ok: false,
            field: z.shape.length === 2 ? 'noise_dim' : 'inputs.noise',
            problem: `input "${z.name}" is declared ${fmtShape(z.shape)}, but the manifest (noise_dim ${manifest.noise_dim}) feeds [N, ${manifest.noise_dim}]`,
          };
        }
        // The noise a suite with seed 0 gives its first samples: standard normal, so the output range is realistic.
        const noise = batchNormals(0, [...Array(batch).keys()], manifest.noise_dim, 0);
        const feeds: Record<string, ort.Tensor> = {
          [z.name]: new ort.Tensor('float32', noise, [batch, manifest.noise_dim]),
        };
        if (manifest.inputs.class) {
          const y = inByName.get(manifest.inputs.class)!;
          if (y.type !== 'int64' && y.type !== 'int32') {
            return {
              ok: false,
              field: 'inputs.class',
              problem: `class input "${y.name}" must be int64 or int32, the graph declares ${y.type}`,
            };
          }
          feeds[y.name] =
            y.type === 'int64'
              ? new ort.Tensor('int64', new BigInt64Array(batch), [batch])
              : new ort.Tensor('int32', new Int32Array(batch), [batch]);
        }
        let out: ort.InferenceSession.ReturnType;
        try {
          out = await session.run(feeds, [manifest.outputs.images]);
        } catch (err) {
          const why = onnxErrorText(err);
          // The inputs match what the graph declares, so this is the model's own failure (e.g. an allocation).
          return {
            ok: false,
            field: 'file',
            problem: `the model failed while running a dry run on a batch of ${batch} (noise [${batch}, ${manifest.noise_dim}]${manifest.inputs.class ? ', class labels' : ''}): ${why}`,
          };
        }
        const img = out[manifest.outputs.images]!;
        const want = [batch, 3, manifest.resolution, manifest.resolution];
        if (img.type !== 'float32')
          return { ok: false, field: 'outputs.images', problem: `output "${manifest.outputs.images}" must be float32, got ${img.type}` };
        if (img.dims.length !== 4 || img.dims.some((d, i) => d !== want[i])) {
          return {
            ok: false,
            field: 'resolution',
            problem: `for a batch of ${batch} the output "${manifest.outputs.images}" has shape ${fmtShape(img.dims)}, but the manifest (resolution ${manifest.resolution}) requires ${fmtShape(want)} (NCHW, 3 channels)`,
          };
        }
        const range = outputRangeProblem(img.data as Float32Array, manifest.output_range);
        if (range) return { ok: false, field: 'output_range', problem: `the dry run's images ${range}` };
        return { ok: true, inputs, outputs };
      }
      case 'denoiser':
        return await inspectDenoiser(session, manifest, extras.decoder, extras.classifier);
      case 'samples':
        return {
          ok: false,
          field: 'kind',
          problem: 'a sample batch is an .npz file, not an ONNX model (runner/src/inspect/inspect-samples.ts reads it)',
        };
      case 'extractor':
      case 'segmenter':
        return await inspectSegmentationModel(session, manifest);
      case 'image_to_image':
        return await inspectImageToImage(session, manifest, inputs, outputs);
    }
  } finally {
    await session.release();
  }
}
