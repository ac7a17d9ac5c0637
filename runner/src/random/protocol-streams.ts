import { createRandom, createRng, mixSeed, mulberry32, normals, streamSeed, type Rng, type SeededRandom, type Uniform } from './prng.js';

/**
 * The random streams that define protocol data, each by name. What they draw is part of the suites that
 * use them: the smoke suites' synthetic reference images and the weights of their built-in extractor, the
 * synthetic segmentation data, the pixels k-means sees and its seeding, and KID's subsets and the
 * torch-fidelity-style IS shuffle. protocol-streams.spec.ts pins the first values of each stream and a
 * digest of the smoke suites' reference data: a change that moves them moves scores, so it needs new suite
 * versions, not an updated test. Test models and test data draw elsewhere (prng.ts directly, or
 * runner/src/onnx/models/seeded-weights.ts), so editing them cannot move a score.
 */

/** Synthetic-shapes reference image `index` (runner/src/onnx/models/synthetic-images.ts). */
export function syntheticImageStream(seed: number, index: number): Uniform {
  return mulberry32(streamSeed(seed, `synthetic-image-${index}`));
}

/** `n` N(0, std²) weights of tensor `tensor` of the built-in tiny extractor (runner/src/onnx/models/tiny-extractor.ts). */
export function builtinExtractorWeights(seed: number, tensor: string, n: number, std: number): Float32Array {
  return normals(mulberry32(streamSeed(seed, tensor)), n, std);
}

/** Synthetic segmentation sample `index`: its shapes, colours and noise (runner/src/segmentation/synthetic-dataset.ts). */
export function syntheticSegmentationStream(seed: number, index: number): SeededRandom {
  return createRandom(mixSeed(seed, index));
}

/** The feature positions of image `index` that k-means clusters (runner/src/tasks/segmentation/segmentation-maps.ts). */
export function pixelSampleStream(seed: number, index: number): SeededRandom {
  return createRandom(mixSeed(seed, index));
}

/** k-means++ seeding (runner/src/segmentation/kmeans.ts). */
export function kmeansSeedingStream(seed: number): SeededRandom {
  return createRandom(seed);
}

/** KID's subsets and the torch-fidelity-style IS shuffle (runner/src/metrics/kid.ts, inception-score.ts). */
export function metricSubsetStream(seed: number): Rng {
  return createRng(seed);
}

/** The order of the smoke text-to-image prompts (runner/src/text/synthetic-prompts.ts). */
export function syntheticPromptOrderStream(seed: number): Rng {
  return createRng(seed);
}

/** Position jitter and size of the shape in smoke text-to-image reference image `index` (runner/src/text/synthetic-prompts.ts). */
export function syntheticPromptImageStream(seed: number, index: number): Uniform {
  const rng = createRng((seed * 7919 + index * 104729 + 17) >>> 0);
  return () => rng.nextUint32() / 2 ** 32;
}

/** The measurement noise ε of restoration condition `index` (σ_y·ε; runner/src/conditions/degradations.ts). */
export function degradationNoiseStream(seed: number, index: number): Uniform {
  return mulberry32(streamSeed(seed, `degradation-noise-${index}`));
}

/** Synthetic moving-shapes video `index`: its colours, start, velocity and size (runner/src/tasks/video/moving-shapes.ts). */
export function syntheticVideoStream(seed: number, index: number): Uniform {
  return mulberry32(streamSeed(seed, `synthetic-video-${index}`));
}
