// Child-process entry for inspectModel: receives {path, manifest, decoderPath?, classifierPath?} over IPC, answers with the report.
import { readFile } from 'node:fs/promises';
import { inspectLatentDecoder } from './inspect-denoiser.js';
import { inspectModel } from './inspect-model.js';
import { inspectTextConditionedModel } from './inspect-text-model.js';
import { inspectSampleBatch } from './inspect-samples.js';
import { runFullBatch } from './inspect-full-batch.js';
import { DRY_RUN_BATCH, type FullBatchPhase } from '../../../contracts/inspection/inspection.js';
import type { InspectRequest } from '../../../contracts/inspection/inspection.js';

process.once('message', (msg: InspectRequest) => {
  // Only a failure to answer gets here (the IPC channel is gone): exit non-zero rather than leave it unhandled.
  inspect(msg).catch((err: unknown) => {
    console.error('inspection child: could not answer:', err);
    process.exit(1);
  });
});

async function inspect(msg: InspectRequest): Promise<void> {
  try {
    // A sample batch is not an ONNX model: its .npz is checked and read through, never loaded whole.
    const kind = msg.manifest.kind;
    const textConditioned = (kind === 'denoiser' || kind === 'generator' || kind === 'image_to_image') && msg.manifest.text_encoder;
    let report =
      msg.manifest.kind === 'samples'
        ? await inspectSampleBatch(msg.path, msg.manifest)
        : textConditioned
          ? await inspectTextConditionedModel(await readFile(msg.path), msg.manifest as Parameters<typeof inspectTextConditionedModel>[1], {
              textEncoder: msg.textEncoderPath ? await readFile(msg.textEncoderPath) : undefined,
              tokenizer: msg.tokenizerPath ? await readFile(msg.tokenizerPath) : undefined,
            })
          : await inspectModel(await readFile(msg.path), msg.manifest, {
              decoder: msg.decoderPath ? await readFile(msg.decoderPath) : undefined,
              classifier: msg.classifierPath ? await readFile(msg.classifierPath) : undefined,
            });
    // A text-conditioned latent denoiser's decoder gets the same dry run as any latent denoiser's.
    if (report.ok && textConditioned && msg.manifest.kind === 'denoiser') {
      const decoded = await inspectLatentDecoder(msg.manifest, msg.decoderPath ? await readFile(msg.decoderPath) : undefined);
      if (!decoded.ok) report = decoded;
    }
    // A text-conditioned model's full-batch run needs its context: its memory is left to the evaluation's limit.
    if (report.ok && !textConditioned && msg.manifest.kind !== 'samples' && msg.batchSize !== undefined && msg.batchSize > DRY_RUN_BATCH) {
      // Tells the parent which batch runs now (its memory watchdog names it), with the report so far.
      process.send!({ phase: 'full-batch', size: msg.batchSize, report } satisfies FullBatchPhase);
      const decoder = msg.decoderPath ? await readFile(msg.decoderPath) : undefined;
      const full = await runFullBatch(await readFile(msg.path), msg.manifest, msg.batchSize, decoder);
      if (!full.ok) report = full;
    }
    process.send!(report, () => process.exit(0));
  } catch (err) {
    process.send!({ ok: false, problem: `inspection failed: ${(err as Error).message}` }, () => process.exit(0));
  }
}
