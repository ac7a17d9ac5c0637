import { denoiserImageShape, type DenoiserManifest } from '../../../../contracts/manifest/denoiser-manifest.schemas.js';
import { conditionSize, type ImageConditionedSuiteDefinition } from '../../../../contracts/suites/image-conditioned-suite.schemas.js';
import { ModelFailure } from '../../evaluation/model-failure.js';
import { type ExecutionProvider, openSession } from '../../evaluation/onnx-session.js';
import { DenoiserSource, type DenoiserProtocol, GuidanceRows, OnnxDenoiser } from '../../evaluation/sources/denoiser-source.js';
import { LatentDecoder } from '../../evaluation/sources/latent-decoder.js';
import type { EvaluationInput } from '../task-family.js';
import type { TextConditioningRecord } from '../../text/text-conditioning.js';
import { ConditionText } from './condition-text.js';
import { quantiseNchw, type SuiteInputs } from '../../conditions/suite-inputs.js';

/** An image-conditioned denoiser's outputs, what it recorded and what it holds open. */
export interface ConditionedDenoiser {
  outputs: AsyncGenerator<Uint8Array>;
  protocol(): DenoiserProtocol;
  executionProvider: ExecutionProvider;
  warnings: string[];
  /** What the text conditioning recorded, for a text-and-image denoiser. */
  text?: () => TextConditioningRecord;
  close(): Promise<void>;
}

/**
 * An image-conditioned denoiser (manifest `condition`) sampled by the suite's sampler: output i is sampled
 * with noise keyed by (seed, i), every network call fed condition i at `inputs.condition` (float32 NCHW in
 * [−1, 1], the published input); classifier-free guidance, where the suite asks for it, feeds its
 * unconditional rows a zero (mid-grey) condition. A text-and-image denoiser (manifest `text_encoder`, as
 * InstructPix2Pix) also gets the suite's text for input i at `inputs.context`, and its unconditional rows the
 * empty prompt's encoding with the zero condition: one guidance scale over both (InstructPix2Pix's separate
 * text and image scales are not offered). Outputs are quantised as the one-step models' are.
 */
export async function openConditionedDenoiser(
  input: EvaluationInput,
  manifest: DenoiserManifest,
  suite: ImageConditionedSuiteDefinition,
  inputs: SuiteInputs,
): Promise<ConditionedDenoiser> {
  if (!manifest.condition || !manifest.inputs.condition)
    throw new ModelFailure(`suite ${suite.id} scores image-conditioned denoisers: the manifest declares no condition`);
  if (manifest.condition.task !== suite.task)
    throw new ModelFailure(`suite ${suite.id} is a ${suite.task} suite; the model competes in ${manifest.condition.task}`);
  if (manifest.condition.resolution !== conditionSize(suite))
    throw new ModelFailure(
      `suite ${suite.id} feeds conditions of ${conditionSize(suite)}×${conditionSize(suite)}; the model declares condition.resolution ${manifest.condition.resolution}`,
    );
  if (!suite.sampler) throw new ModelFailure(`suite ${suite.id} declares no sampler, so it cannot score denoisers`);
  if (manifest.latent && !input.decoder) throw new ModelFailure('the manifest declares a latent space but the submission has no decoder');
  const ep: ExecutionProvider = input.executionProvider ?? 'cpu';
  const text = await ConditionText.open(input, manifest.text_encoder, suite, inputs, ep);
  const opened = await openSession(input.model, ep).catch(async (err: unknown) => {
    await text?.close();
    throw err;
  });
  let decoder: LatentDecoder | undefined;
  const close = async () => {
    await opened.session.release();
    await decoder?.close();
    await text?.close();
  };
  try {
    if (text) text.checkFits(opened.session, manifest.inputs.context!, 'denoiser');
    decoder = manifest.latent ? await LatentDecoder.open(input.decoder!, manifest.latent, denoiserImageShape(manifest), ep) : undefined;
    const side = inputs.side;
    const per = 3 * side * side;
    // The batch's conditions, then the zero condition of guidance's unconditional rows; for a text-and-image
    // model the same rows of its texts, then the empty prompt's encoding.
    const conditions = new GuidanceRows([3, side, side]);
    const contexts = text ? new GuidanceRows(text.rowShape) : undefined;
    const count = inputs.count;
    const source = new DenoiserSource(new OnnxDenoiser(opened.session, manifest, contexts?.feed, conditions.feed), manifest, {
      n: count,
      seed: suite.seed,
      batchSize: suite.batch_size,
      sampler: suite.sampler,
      decoder,
      onSamplesDone: (done) => input.onProgress?.(done / count),
      condition: async (indices) => {
        const batch = new Float32Array(indices.length * per);
        indices.forEach((i, row) => batch.set(inputs.conditions.subarray(i * per, (i + 1) * per), row * per));
        conditions.load(batch);
        if (text) contexts!.load(await text.encode(Array.from(indices)), text.text.empty);
        return GuidanceRows.labels(indices.length);
      },
    });
    const R = suite.resolution;
    const toMinusOneOne = manifest.output_range[0] === 0;
    async function* outputs(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < count; at += suite.batch_size) {
        const n = Math.min(suite.batch_size, count - at);
        let { images } = await source.sampleRange(at, n);
        if (toMinusOneOne) images = images.map((v) => v * 2 - 1);
        yield quantiseNchw(images, n, R);
      }
    }
    return {
      outputs: outputs(),
      protocol: () => source.protocol(),
      executionProvider: opened.executionProvider,
      warnings: [...opened.warnings, ...(text?.text.warnings ?? []), ...(decoder?.warnings ?? [])],
      ...(text ? { text: () => text.text.record() } : {}),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
