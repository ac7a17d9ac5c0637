import * as ort from 'onnxruntime-node';
import { denoiserOutputShape, denoiserSampleShape, type DenoiserManifest } from '../../../contracts/manifest/denoiser-manifest.schemas.js';
import type { GeneratorManifest } from '../../../contracts/manifest/manifest.schemas.js';
import type { ImageToImageManifest } from '../../../contracts/manifest/image-to-image-manifest.schemas.js';
import { inspectImageToImage } from './inspect-image-to-image.js';
import type { InspectionReport, TensorInfo } from '../../../contracts/inspection/inspection.js';
import { EvaluationFailure } from '../evaluation/evaluation-failure.js';
import { OnnxDenoiser } from '../evaluation/sources/denoiser-source.js';
import { externalTensorNames } from '../onnx/external-data.js';
import { TextConditioning } from '../text/text-conditioning.js';
import { onnxErrorText } from '../onnx/error-text.js';

/**
 * Submission-time checks of a text-conditioned `denoiser`, `generator` or `image_to_image` model (manifest `text_encoder`): the
 * tokenizer.json loads and encodes the empty prompt, the text encoder has the declared tensors and encodes
 * two prompts into float32 of the declared rank, the model has its declared tensors, its context input takes
 * the encoder's output, and one dry run on those 2 prompts returns the declared shape. Each problem names the
 * multipart field (or manifest key) to fix. Latent decoding is left to the evaluation.
 */
const BATCH = 2;
const PROMPTS = ['', 'a photograph of an astronaut riding a horse'];

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

function fieldOf(message: string): string {
  if (/tokenizer/.test(message)) return 'tokenizer';
  return 'text_encoder';
}

export async function inspectTextConditionedModel(
  bytes: Uint8Array,
  manifest: DenoiserManifest | GeneratorManifest | ImageToImageManifest,
  extras: { textEncoder?: Uint8Array; tokenizer?: Uint8Array },
): Promise<InspectionReport> {
  const spec = manifest.text_encoder!;
  let text: TextConditioning;
  try {
    text = await TextConditioning.open(extras.textEncoder, extras.tokenizer, spec, 'cpu');
  } catch (err) {
    if (err instanceof EvaluationFailure) return { ok: false, field: fieldOf(err.message), problem: err.message };
    throw err;
  }
  try {
    const context = await text.encode(PROMPTS, [0, 1]).catch((err: unknown) => {
      if (err instanceof EvaluationFailure) throw Object.assign(err, { field: 'text_encoder' });
      throw err;
    });
    if (externalTensorNames(bytes).length > 0)
      return { ok: false, field: 'file', problem: 'the model keeps tensor data in external files; submit a self-contained .onnx' };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    } catch (err) {
      return {
        ok: false,
        field: 'file',
        problem: `onnxruntime could not load the file as an ONNX model: ${onnxErrorText(err)}`,
      };
    }
    try {
      const inputs = describe(session.inputMetadata);
      const outputs = describe(session.outputMetadata);
      for (const [role, name] of Object.entries(manifest.inputs))
        if (name !== undefined && !session.inputNames.includes(name))
          return {
            ok: false,
            field: `inputs.${role}`,
            problem: `the graph has no input named "${name}" (inputs: ${session.inputNames.join(', ')})`,
          };
      if (manifest.kind === 'image_to_image') {
        try {
          text.checkFits(session, manifest.inputs.context!, 'model');
        } catch (err) {
          if (err instanceof EvaluationFailure) return { ok: false, field: 'text_encoder', problem: err.message };
          throw err;
        }
        return await inspectImageToImage(session, manifest, inputs, outputs, new ort.Tensor('float32', context, [BATCH, ...text.rowShape]));
      }
      const out = manifest.kind === 'denoiser' ? manifest.outputs.prediction : manifest.outputs.images;
      if (!session.outputNames.includes(out))
        return {
          ok: false,
          field: 'outputs',
          problem: `the graph has no output named "${out}" (outputs: ${session.outputNames.join(', ')})`,
        };
      try {
        text.checkFits(session, manifest.inputs.context!, manifest.kind);
        const rowSize = text.rowShape.reduce((a, b) => a * b, 1);
        if (manifest.kind === 'denoiser') {
          // An image-conditioned one (instruction editing, text-guided control) also gets mid-grey conditions.
          const side = manifest.condition?.resolution;
          const net = new OnnxDenoiser(
            session,
            manifest,
            (rows) => {
              const data = new Float32Array(rows.length * rowSize);
              rows.forEach((r, i) => data.set(context.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize));
              return new ort.Tensor('float32', data, [rows.length, ...text.rowShape]);
            },
            side === undefined
              ? undefined
              : (rows) => new ort.Tensor('float32', new Float32Array(rows.length * 3 * side * side), [rows.length, 3, side, side]),
          );
          const x = new Float32Array(BATCH * denoiserSampleShape(manifest).reduce((a, b) => a * b, 1));
          const t = new Float32Array(BATCH).fill(manifest.schedule.kind === 'linear-interpolant' ? 0.5 : 1);
          const y = await net.denoise(x, t, Int32Array.from([0, 1]));
          const want = BATCH * denoiserOutputShape(manifest).reduce((a, b) => a * b, 1);
          if (y.length !== want)
            return { ok: false, field: 'outputs.prediction', problem: `the dry run returned ${y.length} values, expected ${want}` };
        } else {
          const feeds = {
            [manifest.inputs.noise]: new ort.Tensor('float32', new Float32Array(BATCH * manifest.noise_dim), [BATCH, manifest.noise_dim]),
            [manifest.inputs.context!]: new ort.Tensor('float32', context, [BATCH, ...text.rowShape]),
          };
          const res = (await session.run(feeds, [out]))[out]!;
          const want = [BATCH, 3, manifest.resolution, manifest.resolution];
          if (res.type !== 'float32' || res.dims.length !== 4 || res.dims.some((d, i) => d !== want[i]))
            return {
              ok: false,
              field: 'outputs.images',
              problem: `for 2 prompts the output "${out}" was ${res.type} [${res.dims.join(', ')}], expected float32 [${want.join(', ')}]`,
            };
        }
      } catch (err) {
        if (err instanceof EvaluationFailure)
          return { ok: false, field: /text encoder/.test(err.message) ? 'text_encoder' : 'file', problem: err.message };
        return {
          ok: false,
          field: 'file',
          problem: `the model failed while running a dry run on 2 prompts: ${onnxErrorText(err)}`,
        };
      }
      return { ok: true, inputs, outputs };
    } finally {
      await session.release();
    }
  } catch (err) {
    if (err instanceof EvaluationFailure) return { ok: false, field: 'text_encoder', problem: err.message };
    throw err;
  } finally {
    await text.close();
  }
}
