// Child process that runs one evaluation. The parent (the runner's queue worker) can kill it at any time;
// if the parent dies, the IPC channel closes and this process exits rather than run on orphaned.
import { readFile } from 'node:fs/promises';
import { runEvaluation } from '../tasks/evaluate.js';
import { evaluateGenerationShard, type GenerationShardResult, mergeGenerationShards } from '../tasks/generation/generation-shards.js';
import { withRuntimeFacts } from '../tasks/provenance.js';
import type { EvaluationInput } from '../tasks/task-family.js';
import { decodeShardPartial, encodeShardPartial } from '../sharding/shard-partial-codec.js';
import { describeError, failureKindOf } from '../evaluation/evaluation-failure.js';
import { observeModelRuns, setDefaultSessionThreads } from '../evaluation/onnx-session.js';
import { SampleGridCollector } from '../evaluation/sample-grid.js';
import { SampleSetCollector } from '../evaluation/sample-set.js';
import { previewSampleCount } from '../../../contracts/suites/suite.schemas.js';
import type { StageProgress } from '../evaluation/stage-clock.js';
import type { ChildRequest, ChildMessage } from './child-protocol.js';

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(msg, () => resolve()));
}

process.on('disconnect', () => process.exit(1));
// The parent's memory watchdog names the batch size the model was running when it passed the limit.
let lastBatch = 0;
observeModelRuns((size) => {
  if (size === lastBatch) return;
  lastBatch = size;
  process.send!({ type: 'batch', size } satisfies ChildMessage);
});
process.once('message', (req: ChildRequest) => {
  // Only a failure to answer gets here (the IPC channel is gone): exit non-zero rather than leave it unhandled.
  evaluate(req).catch((err: unknown) => {
    console.error('evaluation child: could not report to the runner:', err);
    process.exit(1);
  });
});

async function evaluate(req: ChildRequest): Promise<void> {
  try {
    if (req.ortThreads) setDefaultSessionThreads(req.ortThreads);
    // A sample batch is streamed from its file by the evaluation, never read whole.
    const model = req.manifest.kind === 'samples' ? new Uint8Array(0) : await readFile(req.artifactPath);
    const decoderPath = req.extraArtifactPaths?.decoder;
    const classifierPath = req.extraArtifactPaths?.classifier;
    const grid = new SampleGridCollector();
    // Segmentation suites emit no samples; every other family's first K samples are kept one by one.
    const kept = new SampleSetCollector(req.suite.task === 'zero-shot-segmentation' ? 0 : previewSampleCount(req.suite));
    // Progress and the stage breakdown go to the runner at most every 250 ms, and at once when the stage
    // changes (the reference and metrics stages report no sample fraction of their own).
    let last = 0;
    let fraction = 0;
    let stage: StageProgress | undefined;
    const report = (force: boolean) => {
      const now = Date.now();
      if (force || now - last >= 250) {
        last = now;
        process.send!({ type: 'progress', fraction, stage } satisfies ChildMessage);
      }
    };
    const input: EvaluationInput = {
      model,
      modelPath: req.artifactPath,
      decoder: decoderPath ? await readFile(decoderPath) : undefined,
      classifier: classifierPath ? await readFile(classifierPath) : undefined,
      textEncoder: req.extraArtifactPaths?.text_encoder ? await readFile(req.extraArtifactPaths.text_encoder) : undefined,
      tokenizer: req.extraArtifactPaths?.tokenizer ? await readFile(req.extraArtifactPaths.tokenizer) : undefined,
      onSamples: (batch) => {
        grid.add(batch);
        kept.add(batch);
      },
      manifest: req.manifest,
      suite: req.suite,
      executionProvider: req.executionProvider,
      noiseThreads: req.noiseThreads,
      assetDirs: req.assetDirs,
      onStage: (p) => {
        const changed = p.stage !== stage?.stage;
        stage = p;
        report(changed);
      },
      onProgress: (f) => {
        fraction = f;
        report(f >= 1);
      },
    };
    if (req.mode?.kind === 'shard') {
      const r = await evaluateGenerationShard(input, req.mode.range);
      const sampleGrid = await grid.toPng().catch(() => undefined);
      await send({
        type: 'shard-done',
        partial: encodeShardPartial(r.partial),
        facts: {
          sourceProtocol: r.sourceProtocol,
          executionProvider: r.executionProvider,
          warnings: r.warnings,
          durationsMs: r.durationsMs,
        },
        sampleGrid,
        samples: await kept.toSamples().catch(() => undefined),
      });
      process.exit(0);
    }
    let output;
    if (req.mode?.kind === 'merge') {
      const shards = req.mode.shards;
      // One shard's partial result in memory at a time: the merge folds each before the next is read.
      async function* read(): AsyncGenerator<GenerationShardResult> {
        for (const s of shards) yield { partial: decodeShardPartial(await readFile(s.path)), ...s.facts } as GenerationShardResult;
      }
      output = withRuntimeFacts(await mergeGenerationShards(input, read()));
    } else output = await runEvaluation(input);
    // The grid is a courtesy to submitters: failing to draw it never fails the evaluation (a merge draws none).
    const sampleGrid = req.mode?.kind === 'merge' ? undefined : await grid.toPng().catch(() => undefined);
    const samples = req.mode?.kind === 'merge' ? undefined : await kept.toSamples().catch(() => undefined);
    await send({ type: 'done', output, sampleGrid, samples });
  } catch (err) {
    const { message, stack, causes } = describeError(err);
    await send({ type: 'failed', failure: { kind: failureKindOf(err), reason: message, stack, causes } });
  }
  process.exit(0);
}
