import { SuiteFailure } from '../evaluation/evaluation-failure.js';
import type { SuiteDefinition } from '../../../contracts/suites/suite.schemas.js';
import { generationTask } from './generation/generation.task.js';
import { imageConditionedTask } from './image-conditioned/image-conditioned.task.js';
import { withRuntimeFacts } from './provenance.js';
import { segmentationTask } from './segmentation/segmentation.task.js';
import { textToImageTask } from './text-to-image/text-to-image.task.js';
import { videoTask } from './video/video.task.js';
import type { EvaluationInput, EvaluationOutput, TaskFamily } from './task-family.js';

/** Every task family, most specific first: the first that serves a suite scores it. A new family is one line here. */
export const TASK_FAMILIES: readonly TaskFamily[] = [imageConditionedTask, segmentationTask, textToImageTask, videoTask, generationTask];

/** The family that scores `suite`, by its definition; a suite none serves is the suite's fault. */
export function familyFor(suite: SuiteDefinition): TaskFamily {
  const family = TASK_FAMILIES.find((f) => f.serves(suite));
  if (!family) throw new SuiteFailure(`suite ${suite.id} (task ${suite.task}) is scored by no task family of this runner`);
  return family;
}

/**
 * Runs one suite on one model, in this process, by the suite's task family. Used by the runner's child
 * process and by `genbench evaluate`, so both produce the same numbers.
 */
export async function runEvaluation(input: EvaluationInput): Promise<EvaluationOutput> {
  return withRuntimeFacts(await familyFor(input.suite).evaluate(input));
}
