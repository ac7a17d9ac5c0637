// Tiny `extractor` and `segmenter` graphs for the zero-shot segmentation suites' tests and examples. All take
// `images` float32 [batch, 3, S, S] normalized by minus-one-one (x / 127.5 − 1).
import type { SegmentationExtractorManifest, SegmenterManifest } from '../../../../contracts/manifest/segmentation-manifest.schemas.js';
import { GraphBuilder, attr } from '../graph-builder.js';

const normalize = (v: number) => v / 127.5 - 1;

export interface ColourSegmenterOptions {
  readonly inputSize: number;
  /** One RGB colour (0–255) per segment: a pixel belongs to the nearest one. */
  readonly prototypes: ReadonlyArray<readonly [number, number, number]>;
  /** `scores`: float32 [batch, K, S, S] = −‖x − p‖² + ‖x‖²; `segments`: int64 [batch, S, S], their argmax. */
  readonly output: 'scores' | 'segments';
}

/**
 * Nearest-colour segmenter: a 1×1 convolution scores each pixel against each prototype colour
 * (2 p·x − ‖p‖², which orders prototypes as −‖x − p‖² does), then ArgMax over them gives the segment id.
 */
export function buildColourSegmenter(options: ColourSegmenterOptions): Uint8Array {
  const { inputSize: s, prototypes, output } = options;
  const k = prototypes.length;
  const w = new Float32Array(k * 3);
  const b = new Float32Array(k);
  prototypes.forEach((p, c) => {
    const q = p.map(normalize);
    for (let ch = 0; ch < 3; ch++) w[c * 3 + ch] = 2 * q[ch]!;
    b[c] = -(q[0]! ** 2 + q[1]! ** 2 + q[2]! ** 2);
  });
  const g = new GraphBuilder({ name: 'colour-segmenter' })
    .input('images', 'float32', ['batch', 3, s, s])
    .initializer('w', w, [k, 3, 1, 1])
    .initializer('b', b, [k]);
  if (output === 'scores') {
    g.node('Conv', ['images', 'w', 'b'], ['scores'], { kernel_shape: attr.ints([1, 1]) }).output('scores', 'float32', ['batch', k, s, s]);
  } else {
    g.node('Conv', ['images', 'w', 'b'], ['scores'], { kernel_shape: attr.ints([1, 1]) })
      .node('ArgMax', ['scores'], ['segments'], { axis: attr.int(1), keepdims: attr.int(0) })
      .output('segments', 'int64', ['batch', s, s]);
  }
  return g.toBytes();
}

/** A segmenter that puts every pixel in segment 0 (int64 [batch, S, S] zeros). */
export function buildConstantSegmenter(options: { readonly inputSize: number }): Uint8Array {
  const s = options.inputSize;
  return new GraphBuilder({ name: 'constant-segmenter' })
    .input('images', 'float32', ['batch', 3, s, s])
    .initializer('w', new Float32Array(3), [1, 3, 1, 1])
    .node('Conv', ['images', 'w'], ['zero'], { kernel_shape: attr.ints([1, 1]) })
    .node('ArgMax', ['zero'], ['segments'], { axis: attr.int(1), keepdims: attr.int(0) })
    .output('segments', 'int64', ['batch', s, s])
    .toBytes();
}

export interface RgbExtractorOptions {
  readonly inputSize: number;
  /** Average-pool the map by this factor (a coarser feature grid, upsampled by the harness). Default 1. */
  readonly pool?: number;
  /** Output NaN instead of the features (a broken model). */
  readonly nan?: boolean;
}

/** Features = the normalized RGB values themselves (a 1×1 identity convolution): `features` [batch, 3, S/pool, S/pool]. */
export function buildRgbExtractor(options: RgbExtractorOptions): Uint8Array {
  const { inputSize: s, pool = 1 } = options;
  const identity = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const g = new GraphBuilder({ name: 'rgb-extractor' })
    .input('images', 'float32', ['batch', 3, s, s])
    .initializer('w', identity, [3, 3, 1, 1])
    .node('Conv', ['images', 'w'], ['rgb'], { kernel_shape: attr.ints([1, 1]) });
  let last = 'rgb';
  if (pool > 1) {
    g.node('AveragePool', [last], ['pooled'], { kernel_shape: attr.ints([pool, pool]), strides: attr.ints([pool, pool]) });
    last = 'pooled';
  }
  if (options.nan) {
    g.initializer('nan', new Float32Array([Number.NaN]), [1]).node('Mul', [last, 'nan'], ['poisoned']);
    last = 'poisoned';
  }
  g.node('Identity', [last], ['features']);
  const side = Math.floor(s / pool);
  return g.output('features', 'float32', ['batch', 3, side, side]).toBytes();
}

/** A feature "extractor" whose output is flattened to [batch, 3·S·S]: the wrong rank. */
export function buildFlatExtractor(options: { readonly inputSize: number }): Uint8Array {
  const s = options.inputSize;
  return new GraphBuilder({ name: 'flat-extractor' })
    .input('images', 'float32', ['batch', 3, s, s])
    .node('Flatten', ['images'], ['features'], { axis: attr.int(1) })
    .output('features', 'float32', ['batch', 3 * s * s])
    .toBytes();
}

export function extractorManifest(name: string, inputSize: number): SegmentationExtractorManifest {
  return {
    name,
    kind: 'extractor',
    input_size: inputSize,
    normalization: 'minus-one-one',
    preprocessing: 'pil-bicubic',
    inputs: { images: 'images' },
    outputs: { features: 'features' },
  };
}

export function segmenterManifest(name: string, inputSize: number, output: 'segments' | 'scores'): SegmenterManifest {
  return {
    name,
    kind: 'segmenter',
    input_size: inputSize,
    normalization: 'minus-one-one',
    preprocessing: 'pil-bicubic',
    inputs: { images: 'images' },
    outputs: output === 'segments' ? { segments: 'segments' } : { scores: 'scores' },
  };
}
