import type { AssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import type { ImageConditionedSuiteDefinition } from '../../../../contracts/suites/image-conditioned-suite.schemas.js';
import { quantiseNchw, type SuiteInputs } from '../../conditions/suite-inputs.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import type { ExecutionProvider } from '../../evaluation/onnx-session.js';
import type { MetricResult } from '../../evaluation/scoring.js';
import { clipDirectionalSimilarity, clipImageSimilarity } from '../../metrics/edit-metrics.js';
import { clipScore } from '../../metrics/clip-score.js';
import { ClipModelSession } from '../text-to-image/clip-model.js';

/**
 * The CLIP metrics of image-conditioned suites. Text-guided control: CLIP score of each output against its caption
 * (metrics/clip-score.ts, as text-to-image scores prompts). Instruction editing's CLIP scores (issue #17,
 * InstructPix2Pix's evaluation): CLIP-I of each output against the
 * image it edited (the published source, as quantised for submitters) and CLIP directional similarity of the
 * image change against the caption change, with the suite's CLIP (clip-model.ts, shared with text-to-image).
 * The two pull apart: returning the input unchanged maximises CLIP-I (1) and scores 0 directionally.
 */
export async function clipScores(
  suite: ImageConditionedSuiteDefinition,
  inputs: SuiteInputs,
  outputs: Uint8Array,
  ep: ExecutionProvider,
  dirs: AssetDirs,
): Promise<MetricResult[]> {
  const want = suite.metrics.filter((m) => m === 'clip_i' || m === 'clip_directional' || m === 'clip_score');
  if (want.length === 0) return [];
  if (!suite.clip) throw new SuiteFailure(`suite ${suite.id}: CLIP metrics need the suite's clip`);
  const { count, resolution: R } = inputs;
  const clip = await ClipModelSession.open(suite.clip, R, ep, dirs);
  try {
    const set = (e: { data: Float32Array; dim: number }) => ({ data: e.data, dim: e.dim, rows: count });
    const out = set(await clip.embedImages(outputs, count, R));
    const metrics: MetricResult[] = [];
    // Text-guided control: how well each output matches its caption, as text-to-image's CLIP score.
    if (want.includes('clip_score')) {
      if (inputs.text?.field !== 'captions') throw new SuiteFailure(`suite ${suite.id}: clip_score needs the suite's captions`);
      metrics.push({ id: 'clip_score', value: clipScore(out, set(await clip.embedPrompts(inputs.text.lines))).clip_score });
    }
    if (!want.includes('clip_i') && !want.includes('clip_directional')) return metrics;
    if (!inputs.edits) throw new SuiteFailure(`suite ${suite.id}: CLIP edit metrics need the suite's edits`);
    const src = set(await clip.embedImages(quantiseNchw(inputs.conditions, count, R), count, R));
    if (want.includes('clip_i')) metrics.push({ id: 'clip_i', value: clipImageSimilarity(out, src).value });
    if (want.includes('clip_directional')) {
      const after = set(await clip.embedPrompts(inputs.edits.after));
      const before = set(await clip.embedPrompts(inputs.edits.before));
      metrics.push({ id: 'clip_directional', value: clipDirectionalSimilarity(out, src, after, before).value });
    }
    return metrics;
  } finally {
    await clip.close();
  }
}
