import * as ort from 'onnxruntime-node';
import { declaredOutput } from '../tasks/segmentation/segmentation-output.js';
import { denoiserSampleShape } from '../../../contracts/manifest/denoiser-manifest.schemas.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { Schedule, samplingTimes, timeInputValue } from '../../../contracts/sampling/schedules.js';
import { onnxErrorText } from '../onnx/error-text.js';

/**
 * The submission-time run at the suites' real batch size. The shape checks run on a batch of 2
 * (inspect-model.ts); a model whose memory grows with the batch passes them and only fails later, so the
 * inspection child runs the model once more, on zeros, at the largest batch a matching suite will feed it,
 * under the parent's memory limit (child/memory-limit.ts). Values and shapes are not judged here.
 */

export type FullBatchOutcome = { ok: true } | { ok: false; field: string; problem: string };

function zeros(type: string, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (type === 'int64') return new ort.Tensor('int64', new BigInt64Array(n), dims);
  if (type === 'int32') return new ort.Tensor('int32', new Int32Array(n), dims);
  if (type === 'float64') return new ort.Tensor('float64', new Float64Array(n), dims);
  return new ort.Tensor('float32', new Float32Array(n), dims);
}

function typeOf(session: ort.InferenceSession, name: string): string {
  const m = session.inputMetadata.find((i) => i.name === name);
  return m?.isTensor ? m.type : 'float32';
}

async function runOnce(
  bytes: Uint8Array,
  feedsFor: (session: ort.InferenceSession) => Record<string, ort.Tensor>,
  output: string,
): Promise<string | undefined> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    await session.run(feedsFor(session), [output]);
    return undefined;
  } catch (err) {
    return onnxErrorText(err);
  } finally {
    await session.release();
  }
}

/**
 * Runs `model` (and a latent denoiser's `decoder`) once on a batch of `batch` rows. Called only after the
 * batch-2 inspection passed, so the tensor names and types are known to be right.
 */
export async function runFullBatch(model: Uint8Array, manifest: Manifest, batch: number, decoder?: Uint8Array): Promise<FullBatchOutcome> {
  const failed = (field: string, what: string, problem: string): FullBatchOutcome => ({
    ok: false,
    field,
    problem: `a dry run at batch size ${batch} (the largest batch the matching suites run) failed ${what}: ${problem}`,
  });
  switch (manifest.kind) {
    case 'generator': {
      const problem = await runOnce(
        model,
        (s) => ({
          [manifest.inputs.noise]: zeros('float32', [batch, manifest.noise_dim]),
          ...(manifest.inputs.class ? { [manifest.inputs.class]: zeros(typeOf(s, manifest.inputs.class), [batch]) } : {}),
        }),
        manifest.outputs.images,
      );
      return problem ? failed('file', 'in the model', problem) : { ok: true };
    }
    case 'denoiser': {
      const schedule = Schedule.parse(manifest.schedule);
      const value = timeInputValue(schedule, samplingTimes(schedule, 2)[1]!, manifest.time_input);
      const shape = denoiserSampleShape(manifest);
      const problem = await runOnce(
        model,
        (s) => {
          const t = s.inputMetadata.find((i) => i.name === manifest.inputs.t);
          const scalar = t?.isTensor === true && t.shape.length === 0;
          const dims = scalar ? [] : [batch];
          const n = scalar ? 1 : batch;
          const tType = typeOf(s, manifest.inputs.t);
          const time =
            tType === 'int64'
              ? new ort.Tensor('int64', new BigInt64Array(n).fill(BigInt(Math.round(value))), dims)
              : tType === 'int32'
                ? new ort.Tensor('int32', new Int32Array(n).fill(Math.round(value)), dims)
                : tType === 'float64'
                  ? new ort.Tensor('float64', new Float64Array(n).fill(value), dims)
                  : new ort.Tensor('float32', new Float32Array(n).fill(value), dims);
          return {
            [manifest.inputs.x]: zeros('float32', [batch, ...shape]),
            [manifest.inputs.t]: time,
            ...(manifest.inputs.class ? { [manifest.inputs.class]: zeros(typeOf(s, manifest.inputs.class), [batch]) } : {}),
            ...(manifest.inputs.condition && manifest.condition
              ? { [manifest.inputs.condition]: zeros('float32', [batch, 3, manifest.condition.resolution, manifest.condition.resolution]) }
              : {}),
          };
        },
        manifest.outputs.prediction,
      );
      if (problem) return failed('file', 'in the model', problem);
      if (manifest.latent && decoder) {
        const { inputs, outputs } = manifest.latent.decoder;
        const latentShape = manifest.latent.shape;
        const dec = await runOnce(decoder, () => ({ [inputs.latent]: zeros('float32', [batch, ...latentShape]) }), outputs.images);
        if (dec) return failed('decoder', 'in the decoder', dec);
      }
      return { ok: true };
    }
    case 'extractor':
    case 'segmenter': {
      const size = manifest.input_size;
      const out = declaredOutput(manifest).name;
      const problem = await runOnce(model, () => ({ [manifest.inputs.images]: zeros('float32', [batch, 3, size, size]) }), out);
      return problem ? failed('file', 'in the model', problem) : { ok: true };
    }
    case 'image_to_image': {
      const side = manifest.condition_resolution;
      const problem = await runOnce(
        model,
        () => ({
          [manifest.inputs.condition]: zeros('float32', [batch, 3, side, side]),
          ...(manifest.inputs.noise && manifest.noise_dim
            ? { [manifest.inputs.noise]: zeros('float32', [batch, manifest.noise_dim]) }
            : {}),
        }),
        manifest.outputs.images,
      );
      return problem ? failed('file', 'in the model', problem) : { ok: true };
    }
    case 'samples':
      return { ok: true };
  }
}
