// Models that are wrong on purpose, for the harness's failure paths.
import { GraphBuilder } from '../../../runner/src/onnx/graph-builder.js';
import { buildTinyGenerator, type TinyGeneratorOptions } from '../../../runner/src/onnx/models/tiny-generator.js';

/**
 * A generator that really outputs [batch, 3, actualResolution, actualResolution], for a manifest that
 * claims another resolution. The graph's own output declaration matches what it produces.
 */
export function buildWrongResolutionGenerator(
  options: Omit<TinyGeneratorOptions, 'resolution'> & { readonly actualResolution: number },
): Uint8Array {
  const { actualResolution, ...rest } = options;
  return buildTinyGenerator({ ...rest, resolution: actualResolution });
}

/** A tiny generator whose every output element is NaN. */
export function buildNanGenerator(options: Omit<TinyGeneratorOptions, 'nanOutput'>): Uint8Array {
  return buildTinyGenerator({ ...options, nanOutput: true });
}

/**
 * A model (`x` float32 [batch, 4] → `y` = x · w) whose weight `w` [4, 4] is stored as external data in
 * `location`, a path relative to the model file. Loaded from bytes, ORT has no model directory to resolve it
 * against, so a harness that accepts only self-contained models must reject this.
 */
export function buildExternalDataModel(options: { readonly location: string }): Uint8Array {
  return new GraphBuilder({ name: 'external-data' })
    .input('x', 'float32', ['batch', 4])
    .externalInitializer('w', 'float32', [4, 4], { location: options.location, offset: 0, length: 64 })
    .node('MatMul', ['x', 'w'], ['y'])
    .output('y', 'float32', ['batch', 4])
    .toBytes();
}

/**
 * The first `keep` bytes of `bytes` (default: half). Half of any model built here ends inside the graph
 * message, whose declared length then overruns the buffer, so the result does not parse.
 */
export function truncateBytes(bytes: Uint8Array, keep = Math.floor(bytes.length / 2)): Uint8Array {
  if (!Number.isInteger(keep) || keep < 0 || keep >= bytes.length) {
    throw new RangeError(`keep must be an integer in [0, ${bytes.length}), got ${keep}`);
  }
  return bytes.slice(0, keep);
}
