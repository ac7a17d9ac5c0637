/**
 * The only runner module the API may import (eslint.config.js): what the API needs from the runner's
 * implementation beyond the declarations in contracts/. It forks the upload inspection child by path (the
 * child loads onnxruntime, the API process does not), checks by presence that a suite's files are here, and
 * sizes the child's memory limit. Nothing it imports decodes, resizes, solves or runs a model:
 * test/integration/api-footprint.spec.ts starts the API and checks which files it loaded.
 */
export { childMemoryLimitBytes } from './child/memory-limit.js';
export { firstFew } from './datasets/dataset-error.js';
export { datasetInstructions } from './datasets/segmentation-dataset-files.js';
export { inspectInChild } from './inspect/run-inspection.js';
export { publishInputsInChild } from './conditions/publish-inputs.js';
export { type Availability, availability, type MissingFile, missingProblem, suiteAssets } from './suites/availability.js';
export { planShards } from './sharding/shard-plan.js';
