import * as ort from 'onnxruntime-node';
import {
  type DenoiserManifest,
  denoiserImageShape,
  denoiserOutputShape,
  denoiserSampleShape,
} from '../../../contracts/manifest/denoiser-manifest.schemas.js';
import { Schedule, samplingTimes, timeInputValue } from '../../../contracts/sampling/schedules.js';
import type { InspectionReport, TensorInfo } from '../../../contracts/inspection/inspection.js';
import { onnxErrorText } from '../onnx/error-text.js';

/**
 * Submission-time checks of a `denoiser` graph (and of its decoder, for latent models): the tensors the
 * manifest names exist with usable types, and one dry run on a batch of 2 — x_t of the declared shape, a
 * mid-schedule time input in the graph's own dtype, class labels including null_class — returns a float32
 * prediction shaped like x_t (2C channels with learned variances); the decoder turns 2 latents into
 * [2, 3, R, R] images; a guided model's classifier turns the same x_t, time input and labels into a finite
 * float32 gradient shaped like x_t.
 */
const BATCH = 2;
const TIME_TYPES = ['float32', 'float64', 'int64', 'int32'];

function fmt(s: ReadonlyArray<number | string>): string {
  return `[${s.join(', ')}]`;
}

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

function timeTensor(type: string, value: number, scalar: boolean): ort.Tensor {
  const dims = scalar ? [] : [BATCH];
  const n = scalar ? 1 : BATCH;
  if (type === 'float64') return new ort.Tensor('float64', new Float64Array(n).fill(value), dims);
  if (type === 'int64') return new ort.Tensor('int64', new BigInt64Array(n).fill(BigInt(Math.round(value))), dims);
  if (type === 'int32') return new ort.Tensor('int32', new Int32Array(n).fill(Math.round(value)), dims);
  return new ort.Tensor('float32', new Float32Array(n).fill(value), dims);
}

export async function inspectDenoiser(
  session: ort.InferenceSession,
  manifest: DenoiserManifest,
  decoder?: Uint8Array,
  classifier?: Uint8Array,
): Promise<InspectionReport> {
  const inputs = describe(session.inputMetadata);
  const outputs = describe(session.outputMetadata);
  const inByName = new Map(inputs.map((i) => [i.name, i]));
  for (const [role, name] of Object.entries(manifest.inputs)) {
    if (name !== undefined && !inByName.has(name)) {
      return {
        ok: false,
        field: `inputs.${role}`,
        problem: `the graph has no input named "${name}" (inputs: ${inputs.map((i) => i.name).join(', ') || 'none'})`,
      };
    }
  }
  if (!outputs.some((o) => o.name === manifest.outputs.prediction)) {
    return {
      ok: false,
      field: 'outputs.prediction',
      problem: `the graph has no output named "${manifest.outputs.prediction}" (outputs: ${outputs.map((o) => o.name).join(', ') || 'none'})`,
    };
  }
  const mapped = Object.values(manifest.inputs).filter((x) => x !== undefined).length;
  if (inputs.length !== mapped) {
    return {
      ok: false,
      field: 'inputs',
      problem: `the graph has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}) but the manifest maps ${mapped}`,
    };
  }
  const x = inByName.get(manifest.inputs.x)!;
  if (x.type !== 'float32')
    return { ok: false, field: 'inputs.x', problem: `input "${x.name}" must be float32, the graph declares ${x.type}` };
  const t = inByName.get(manifest.inputs.t)!;
  if (!TIME_TYPES.includes(t.type)) {
    return {
      ok: false,
      field: 'inputs.t',
      problem: `time input "${t.name}" must be float32, float64, int64 or int32, the graph declares ${t.type}`,
    };
  }
  if ((t.type === 'int64' || t.type === 'int32') && manifest.time_input !== 'index') {
    return {
      ok: false,
      field: 'time_input',
      problem: `time input "${t.name}" is ${t.type}, which can only carry time_input "index" (not "${manifest.time_input}")`,
    };
  }
  if (t.shape.length > 1)
    return { ok: false, field: 'inputs.t', problem: `time input "${t.name}" must be [N] or a scalar, the graph declares ${fmt(t.shape)}` };

  const shape = denoiserSampleShape(manifest);
  const fixedX = x.shape.map((d, i) => (typeof d === 'number' && d > 0 && i > 0 ? d : undefined));
  if (x.shape.length !== 1 + shape.length || fixedX.some((d, i) => d !== undefined && d !== shape[i - 1])) {
    return {
      ok: false,
      field: manifest.latent ? 'latent.shape' : 'resolution',
      problem: `input "${x.name}" is declared ${fmt(x.shape)}, but the manifest (${manifest.latent ? `latent.shape ${fmt(shape)}` : `resolution ${manifest.resolution}${manifest.frames !== undefined ? `, frames ${manifest.frames}` : ''}`}) feeds ${fmt([BATCH, ...shape])}`,
    };
  }
  const schedule = Schedule.parse(manifest.schedule);
  // A mid-schedule noise level: the second of a 2-step grid in the schedule's own spacing.
  const value = timeInputValue(schedule, samplingTimes(schedule, 2)[1]!, manifest.time_input);
  const feeds: Record<string, ort.Tensor> = {
    [x.name]: new ort.Tensor('float32', new Float32Array(BATCH * shape.reduce((a, b) => a * b, 1)), [BATCH, ...shape]),
    [t.name]: timeTensor(t.type, value, t.shape.length === 0),
  };
  if (manifest.inputs.class) {
    const y = inByName.get(manifest.inputs.class)!;
    if (y.type !== 'int64' && y.type !== 'int32') {
      return { ok: false, field: 'inputs.class', problem: `class input "${y.name}" must be int64 or int32, the graph declares ${y.type}` };
    }
    const labels = [0, manifest.null_class ?? Math.min(1, manifest.classes - 1)];
    feeds[y.name] =
      y.type === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [BATCH])
        : new ort.Tensor('int32', Int32Array.from(labels), [BATCH]);
  }
  if (manifest.inputs.condition && manifest.condition) {
    const c = inByName.get(manifest.inputs.condition)!;
    const side = manifest.condition.resolution;
    const fixed = c.shape.map((d, i) => (typeof d === 'number' && d > 0 && i > 0 ? d : undefined));
    if (c.type !== 'float32')
      return { ok: false, field: 'inputs.condition', problem: `condition input "${c.name}" must be float32, the graph declares ${c.type}` };
    if (c.shape.length !== 4 || fixed.some((d, i) => d !== undefined && d !== [BATCH, 3, side, side][i]))
      return {
        ok: false,
        field: 'condition.resolution',
        problem: `condition input "${c.name}" is declared ${fmt(c.shape)}, but the manifest (condition.resolution ${side}) feeds ${fmt([BATCH, 3, side, side])}`,
      };
    feeds[c.name] = new ort.Tensor('float32', new Float32Array(BATCH * 3 * side * side), [BATCH, 3, side, side]);
  }
  let out: ort.InferenceSession.ReturnType;
  try {
    out = await session.run(feeds, [manifest.outputs.prediction]);
  } catch (err) {
    // The inputs match what the graph declares, so this is the model's own failure (e.g. an allocation).
    return {
      ok: false,
      field: 'file',
      problem: `the model failed while running a dry run on a batch of ${BATCH} (x ${fmt([BATCH, ...shape])}, time input ${value}${manifest.inputs.class ? ', class labels' : ''}): ${onnxErrorText(err)}`,
    };
  }
  const p = out[manifest.outputs.prediction]!;
  const want = [BATCH, ...denoiserOutputShape(manifest)];
  if (p.type !== 'float32')
    return { ok: false, field: 'outputs.prediction', problem: `output "${manifest.outputs.prediction}" must be float32, got ${p.type}` };
  if (p.dims.length !== want.length || p.dims.some((d, i) => d !== want[i])) {
    return {
      ok: false,
      field: manifest.latent ? 'latent.shape' : 'resolution',
      problem: manifest.variance
        ? `for x of shape ${fmt([BATCH, ...shape])} the output "${manifest.outputs.prediction}" has shape ${fmt(p.dims)}; with variance "${manifest.variance}" it must be ${fmt(want)}: the prediction's channels, then the variance channels`
        : `for x of shape ${fmt(want)} the output "${manifest.outputs.prediction}" has shape ${fmt(p.dims)}; a prediction must have the shape of x${p.dims[1] === 2 * shape[0] ? ' (twice the channels: declare variance "learned-range" if the rest are learned variances)' : ''}`,
    };
  }
  const decoded = await inspectLatentDecoder(manifest, decoder);
  if (!decoded.ok) return decoded;
  if (manifest.classifier) {
    if (!classifier) {
      return {
        ok: false,
        field: 'classifier',
        problem: 'the manifest declares a classifier: send its gradient ONNX as multipart field "classifier"',
      };
    }
    const report = await inspectClassifier(classifier, manifest, value);
    if (!report.ok) return report;
  } else if (classifier) {
    return { ok: false, field: 'classifier', problem: 'a classifier was sent, but the manifest declares none ("classifier")' };
  }
  return { ok: true, inputs, outputs };
}

/**
 * The classifier's dry run: the denoiser's batch of 2 (zeros x_t of the sample shape, the same mid-schedule
 * time input, labels 0 and 1) must give a finite float32 ∇ₓ log p(y | x_t, t) shaped like x_t.
 */
async function inspectClassifier(bytes: Uint8Array, manifest: DenoiserManifest, value: number): Promise<InspectionReport> {
  const spec = manifest.classifier!;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    return { ok: false, field: 'classifier', problem: `onnxruntime could not load the classifier as an ONNX model: ${onnxErrorText(err)}` };
  }
  try {
    const declared = new Map(describe(session.inputMetadata).map((i) => [i.name, i]));
    for (const [role, name] of Object.entries(spec.inputs)) {
      if (!declared.has(name)) {
        return {
          ok: false,
          field: `classifier.inputs.${role}`,
          problem: `the classifier has no input named "${name}" (inputs: ${[...declared.keys()].join(', ')})`,
        };
      }
    }
    if (declared.size !== 3) {
      return {
        ok: false,
        field: 'classifier',
        problem: `the classifier must take exactly x, t and class; it takes ${declared.size} inputs: ${[...declared.keys()].join(', ')}`,
      };
    }
    if (!session.outputNames.includes(spec.outputs.gradient)) {
      return {
        ok: false,
        field: 'classifier.outputs.gradient',
        problem: `the classifier has no output named "${spec.outputs.gradient}" (outputs: ${session.outputNames.join(', ')})`,
      };
    }
    const x = declared.get(spec.inputs.x)!;
    const t = declared.get(spec.inputs.t)!;
    const y = declared.get(spec.inputs.class)!;
    if (x.type !== 'float32')
      return { ok: false, field: 'classifier.inputs.x', problem: `the classifier's input "${x.name}" must be float32, it is ${x.type}` };
    if (!TIME_TYPES.includes(t.type) || t.shape.length > 1) {
      return {
        ok: false,
        field: 'classifier.inputs.t',
        problem: `the classifier's time input "${t.name}" must be float32, float64, int64 or int32, [N] or a scalar; it is ${t.type} ${fmt(t.shape)}`,
      };
    }
    if (y.type !== 'int64' && y.type !== 'int32') {
      return {
        ok: false,
        field: 'classifier.inputs.class',
        problem: `the classifier's class input "${y.name}" must be int64 or int32, it is ${y.type}`,
      };
    }
    const shape = denoiserSampleShape(manifest);
    const want = [BATCH, ...shape];
    const fixed = x.shape.map((d, i) => (typeof d === 'number' && d > 0 && i > 0 ? d : undefined));
    if (x.shape.length !== want.length || fixed.some((d, i) => d !== undefined && d !== want[i])) {
      return {
        ok: false,
        field: 'classifier.inputs.x',
        problem: `the classifier's input "${x.name}" is declared ${fmt(x.shape)}, but the sampler feeds it x_t of shape ${fmt(want)}`,
      };
    }
    const labels = [0, Math.min(1, manifest.classes - 1)];
    const feeds: Record<string, ort.Tensor> = {
      [x.name]: new ort.Tensor('float32', new Float32Array(want.reduce((a, b) => a * b, 1)), want),
      [t.name]: timeTensor(t.type, value, t.shape.length === 0),
      [y.name]:
        y.type === 'int64'
          ? new ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [BATCH])
          : new ort.Tensor('int32', Int32Array.from(labels), [BATCH]),
    };
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await session.run(feeds, [spec.outputs.gradient]);
    } catch (err) {
      return {
        ok: false,
        field: 'classifier',
        problem: `the classifier failed while running a dry run on x_t ${fmt(want)}, time input ${value}, labels [${labels.join(', ')}]: ${onnxErrorText(err)}`,
      };
    }
    const g = out[spec.outputs.gradient]!;
    if (g.type !== 'float32' || g.dims.length !== want.length || g.dims.some((d, i) => d !== want[i])) {
      return {
        ok: false,
        field: 'classifier.outputs.gradient',
        problem: `for x_t of shape ${fmt(want)} the classifier's output "${spec.outputs.gradient}" is ${g.type} ${fmt(g.dims)}; ∇ₓ log p(y | x_t, t) must be float32 shaped like x_t, ${fmt(want)}`,
      };
    }
    const data = g.data as Float32Array;
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      return {
        ok: false,
        field: 'classifier',
        problem: `the classifier's dry run produced ${String(data[bad])}; gradients must be finite`,
      };
    }
    return { ok: true, inputs: [], outputs: [] };
  } finally {
    await session.release();
  }
}

/**
 * The decoder a latent denoiser needs (and only one): a dry run on 2 latents returns images [2, 3, R, R], or
 * videos [2, 3, T, R, R] of the manifest's `frames`. Text-conditioned denoisers are checked here too.
 */
export async function inspectLatentDecoder(manifest: DenoiserManifest, decoder: Uint8Array | undefined): Promise<InspectionReport> {
  if (manifest.latent) {
    if (!decoder)
      return {
        ok: false,
        field: 'decoder',
        problem: 'a latent denoiser needs its decoder: send the decoder ONNX as multipart field "decoder"',
      };
    return await inspectDecoder(decoder, manifest);
  }
  if (decoder) return { ok: false, field: 'decoder', problem: 'a decoder was sent, but the manifest declares no latent space' };
  return { ok: true, inputs: [], outputs: [] };
}

async function inspectDecoder(bytes: Uint8Array, manifest: DenoiserManifest): Promise<InspectionReport> {
  const latent = manifest.latent!;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    return { ok: false, field: 'decoder', problem: `onnxruntime could not load the decoder as an ONNX model: ${onnxErrorText(err)}` };
  }
  try {
    const { inputs, outputs } = latent.decoder;
    if (!session.inputNames.includes(inputs.latent)) {
      return {
        ok: false,
        field: 'latent.decoder.inputs.latent',
        problem: `the decoder has no input named "${inputs.latent}" (inputs: ${session.inputNames.join(', ')})`,
      };
    }
    if (!session.outputNames.includes(outputs.images)) {
      return {
        ok: false,
        field: 'latent.decoder.outputs.images',
        problem: `the decoder has no output named "${outputs.images}" (outputs: ${session.outputNames.join(', ')})`,
      };
    }
    if (session.inputNames.length !== 1) {
      return {
        ok: false,
        field: 'decoder',
        problem: `the decoder must take one input (the latents), it takes ${session.inputNames.length}: ${session.inputNames.join(', ')}`,
      };
    }
    const z = [BATCH, ...latent.shape];
    const declared = session.inputMetadata[0];
    if (declared?.isTensor) {
      const fixed = declared.shape.map((d, i) => (typeof d === 'number' && d > 0 && i > 0 ? d : undefined));
      if (declared.shape.length !== z.length || fixed.some((d, i) => d !== undefined && d !== z[i])) {
        return {
          ok: false,
          field: 'latent.shape',
          problem: `the decoder's input "${inputs.latent}" is declared ${fmt(declared.shape)}, but the manifest (latent.shape ${fmt(latent.shape)}) feeds ${fmt(z)}`,
        };
      }
    }
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await session.run({ [inputs.latent]: new ort.Tensor('float32', new Float32Array(z.reduce((a, b) => a * b, 1)), z) }, [
        outputs.images,
      ]);
    } catch (err) {
      return {
        ok: false,
        field: 'decoder',
        problem: `the decoder failed while running a dry run on latents of shape ${fmt(z)}: ${onnxErrorText(err)}`,
      };
    }
    const img = out[outputs.images]!;
    const R = manifest.resolution;
    const want = [BATCH, ...denoiserImageShape(manifest)];
    if (img.type !== 'float32' || img.dims.length !== want.length || img.dims.some((d, i) => d !== want[i])) {
      // A video decoder whose frame count disagrees with the manifest's `frames` is named as such.
      const video = manifest.frames !== undefined;
      const framesWrong = video && img.dims.length === 5 && img.dims[2] !== manifest.frames;
      return {
        ok: false,
        field: framesWrong ? 'frames' : 'resolution',
        problem: framesWrong
          ? `for latents of shape ${fmt(z)} the decoder's output "${outputs.images}" has ${img.dims[2]} frames ${fmt(img.dims)}, but the manifest declares frames ${manifest.frames}: it requires float32 ${fmt(want)}`
          : `for latents of shape ${fmt(z)} the decoder's output "${outputs.images}" is ${img.type} ${fmt(img.dims)}, but the manifest (resolution ${R}${video ? `, frames ${manifest.frames}` : ''}) requires float32 ${fmt(want)}`,
      };
    }
    return { ok: true, inputs: [], outputs: [] };
  } finally {
    await session.release();
  }
}
