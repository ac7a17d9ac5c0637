import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PALETTE, PROMPT_WORDS } from '../../runner/src/text/synthetic-prompts.js';
import { attr, GraphBuilder } from '../../runner/src/onnx/graph-builder.js';
import { CLIP_STYLE_EOS, clipStyleTokenizerJson } from '../../runner/src/text/clip-style-tokenizer.js';
import type { ImageToImageManifest } from '../../contracts/manifest/image-to-image-manifest.schemas.js';
import type { DenoiserManifest } from '../../contracts/manifest/denoiser-manifest.schemas.js';
import { buildExampleTextEncoder, drawFromContext, EXAMPLE_TEXT_ENCODER, exampleTokenizerJson } from '../text-to-image/example-models.js';
import { buildResizeRestorer, exampleRestorerManifest } from './example-models.js';

/**
 * Example text-and-image submissions (issue #17), written with the project's ONNX writer; each brings its own text
 * encoder and tokenizer.json, which the harness runs as it runs a text-to-image model's:
 *
 * - instruction editors for smoke-edit-32: an encoder reading the colour word of "make the {shape} {colour}"
 *   (token 4) into a one-hot context [N, 1, K], and an editor that paints every pixel differing from the image's
 *   corner (the background) in that colour — or, instruction-ignoring, always in white;
 * - text-guided control models for smoke-canny-text-32: the text-to-image examples' encoder (the two colour
 *   words of "a {f} {shape} on a {b} background" → [N, 2, K]) and a model that fills the region the Canny map
 *   encloses (pixels with an edge on each side, left and right, above and below) in the foreground colour, on
 *   the background colour; its caption-ignoring twin takes no text and paints white on black.
 */

const R = 32;
const K = PALETTE.length;
export const EDIT_CONTEXT_LENGTH = 16;

/** The editors' tokenizer: the prompt grammar's words and the instructions' "make" and "the". */
export function exampleEditTokenizerJson(): string {
  return JSON.stringify(clipStyleTokenizerJson([...PROMPT_WORDS, 'make', 'the']));
}

/** input_ids int64 [N, 16] → context float32 [N, 1, K]: the one-hot colour of token 4 ("make the {shape} {colour}"). */
export function buildInstructionEncoder(): Uint8Array {
  const json = JSON.parse(exampleEditTokenizerJson()) as { model: { vocab: Record<string, number> } };
  const vocab = json.model.vocab;
  const V = Object.keys(vocab).length;
  const table = new Float32Array(V * K);
  PALETTE.forEach((c, k) => (table[vocab[`${c.name}</w>`]! * K + k] = 1));
  const g = new GraphBuilder({ name: 'example-edit-instruction-encoder' });
  g.input('input_ids', 'int64', ['batch', EDIT_CONTEXT_LENGTH]);
  g.initializer('positions', BigInt64Array.from([4n]), [1]).initializer('table', table, [V, K]);
  g.node('Gather', ['input_ids', 'positions'], ['colour_ids'], { axis: attr.int(1) }).node('Gather', ['table', 'colour_ids'], ['context'], {
    axis: attr.int(0),
  });
  g.output('context', 'float32', ['batch', 1, K]);
  return g.toBytes();
}

export const EXAMPLE_EDIT_TEXT_ENCODER = {
  inputs: { ids: 'input_ids' },
  outputs: { context: 'context' },
  context_length: EDIT_CONTEXT_LENGTH,
  pad_token: CLIP_STYLE_EOS,
};

/**
 * Adds the recolouring to `g`: from `source` [N, 3, R, R] in [−1, 1] and a one-hot colour `context` [N, 1, K]
 * to `x`: every pixel whose summed absolute difference from the top-left pixel exceeds 0.01 takes the colour.
 */
function recolour(g: GraphBuilder, context: string): void {
  const palette = new Float32Array(K * 3);
  PALETTE.forEach((c, k) => c.rgb.forEach((v, ch) => (palette[k * 3 + ch] = v / 127.5 - 1)));
  g.initializer('palette', palette, [K, 3]).initializer('colour_shape', BigInt64Array.from([-1n, 3n, 1n, 1n]), [4]);
  g.node('MatMul', [context, 'palette'], ['rgb']).node('Reshape', ['rgb', 'colour_shape'], ['colour']);
  g.initializer('corner_starts', BigInt64Array.from([0n, 0n]), [2])
    .initializer('corner_ends', BigInt64Array.from([1n, 1n]), [2])
    .initializer('hw_axes', BigInt64Array.from([2n, 3n]), [2])
    .initializer('channel_axis', BigInt64Array.from([1n]), [1])
    .initializer('threshold', new Float32Array([0.01]), []);
  g.node('Slice', ['source', 'corner_starts', 'corner_ends', 'hw_axes'], ['corner'])
    .node('Sub', ['source', 'corner'], ['from_corner'])
    .node('Abs', ['from_corner'], ['distance'])
    .node('ReduceSum', ['distance', 'channel_axis'], ['summed'], { keepdims: attr.int(1) })
    .node('Greater', ['summed', 'threshold'], ['is_shape'])
    .node('Cast', ['is_shape'], ['mask'], { to: attr.int(1) })
    .node('Sub', ['colour', 'source'], ['change'])
    .node('Mul', ['change', 'mask'], ['masked_change'])
    .node('Add', ['source', 'masked_change'], ['x']);
}

/** (source [N, 3, 32, 32], context [N, 1, K]) → the source with its shape in the instruction's colour (or white). */
export function buildRecolourEditor(readInstruction: boolean): Uint8Array {
  const g = new GraphBuilder({ name: `example-edit-recolour-${readInstruction ? 'instructed' : 'white'}` });
  g.input('source', 'float32', ['batch', 3, R, R]).input('context', 'float32', ['batch', 1, K]);
  let ctx = 'context';
  if (!readInstruction) {
    // The context is still read (times 0) so the graph uses the input it declares; the colour is always white.
    const white = new Float32Array(K);
    white[PALETTE.findIndex((c) => c.name === 'white')] = 1;
    g.initializer('white', white, [1, 1, K]).initializer('zero', new Float32Array([0]), []);
    g.node('Mul', ['context', 'zero'], ['ignored']).node('Add', ['ignored', 'white'], ['fixed']);
    ctx = 'fixed';
  }
  recolour(g, ctx);
  g.output('x', 'float32', ['batch', 3, R, R]);
  return g.toBytes();
}

export function exampleEditorManifest(name: string): ImageToImageManifest {
  return {
    name,
    kind: 'image_to_image',
    task: 'image-editing',
    resolution: R,
    condition_resolution: R,
    inputs: { condition: 'source', context: 'context' },
    outputs: { images: 'x' },
    output_range: [-1, 1],
    text_encoder: EXAMPLE_EDIT_TEXT_ENCODER,
  };
}

/**
 * The instructed editor as a denoiser InstructPix2Pix-style: (x_t, t, source, context) → x0 = the edit, whatever
 * x_t and t (read, times 0). With an x0 prediction and deterministic DDIM its samples are its edits, so it should
 * score as the one-step editor does.
 */
export function buildRecolourEditDenoiser(): Uint8Array {
  const g = new GraphBuilder({ name: 'example-edit-recolour-denoiser' });
  g.input('x_t', 'float32', ['batch', 3, R, R])
    .input('t', 'float32', ['batch'])
    .input('source', 'float32', ['batch', 3, R, R])
    .input('context', 'float32', ['batch', 1, K]);
  recolour(g, 'context');
  g.initializer('nothing', new Float32Array([0]), []).initializer('t_shape', BigInt64Array.from([-1n, 1n, 1n, 1n]), [4]);
  g.node('Mul', ['x_t', 'nothing'], ['x_zero'])
    .node('Reshape', ['t', 't_shape'], ['t4'])
    .node('Mul', ['t4', 'nothing'], ['t_zero'])
    .node('Add', ['x', 'x_zero'], ['with_x'])
    .node('Add', ['with_x', 't_zero'], ['x0']);
  g.output('x0', 'float32', ['batch', 3, R, R]);
  return g.toBytes();
}

export function exampleEditDenoiserManifest(name: string): DenoiserManifest {
  return {
    name,
    kind: 'denoiser',
    resolution: R,
    classes: 0,
    channels: 3,
    inputs: { x: 'x_t', t: 't', condition: 'source', context: 'context' },
    outputs: { prediction: 'x0' },
    prediction: 'x0',
    schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000, continuous: false },
    time_input: 'sigma',
    output_range: [-1, 1],
    condition: { task: 'image-editing', resolution: R },
    text_encoder: EXAMPLE_EDIT_TEXT_ENCODER,
  };
}

/**
 * (edges [N, 3, 32, 32], 1 on −1, and, reading the caption, context [N, 2, K]) → the enclosed region in the
 * foreground colour on the background colour. Caption-ignoring: no context input, white on black.
 */
export function buildCannyFill(readCaption: boolean): Uint8Array {
  const g = new GraphBuilder({ name: `example-canny-fill-${readCaption ? 'captioned' : 'white-on-black'}` });
  g.input('edges', 'float32', ['batch', 3, R, R]);
  if (readCaption) g.input('context', 'float32', ['batch', 2, K]);
  else {
    // White on black: the most contrast, so the fill's own Canny edges are as strong as any caption's.
    const fixed = new Float32Array(2 * K);
    fixed[PALETTE.findIndex((c) => c.name === 'white')] = 1;
    fixed[K + PALETTE.findIndex((c) => c.name === 'black')] = 1;
    g.initializer('context', fixed, [1, 2, K]);
  }
  // drawFromContext paints background + (foreground − background) · disc; the disc here is the enclosed region.
  g.initializer('first_channel', BigInt64Array.from([0n]), [1])
    .initializer('one', new Float32Array([1]), [])
    .initializer('half', new Float32Array([0.5]), [])
    .initializer('none', new Float32Array([0]), [])
    .initializer('axis_h', BigInt64Array.from([2n]), [])
    .initializer('axis_w', BigInt64Array.from([3n]), []);
  g.node('Gather', ['edges', 'first_channel'], ['edge_pm'], { axis: attr.int(1) })
    .node('Add', ['edge_pm', 'one'], ['edge_2'])
    .node('Mul', ['edge_2', 'half'], ['edge']); // [N, 1, R, R], 1 on an edge
  const sides: string[] = [];
  for (const [axis, reverse, name] of [
    ['axis_w', 0, 'left'],
    ['axis_w', 1, 'right'],
    ['axis_h', 0, 'above'],
    ['axis_h', 1, 'below'],
  ] as const) {
    g.node('CumSum', ['edge', axis], [`${name}_count`], { reverse: attr.int(reverse) })
      .node('Greater', [`${name}_count`, 'none'], [`${name}_any`])
      .node('Cast', [`${name}_any`], [`${name}_edge`], { to: attr.int(1) });
    sides.push(`${name}_edge`);
  }
  g.node('Mul', [sides[0]!, sides[1]!], ['between_w'])
    .node('Mul', [sides[2]!, sides[3]!], ['between_h'])
    .node('Mul', ['between_w', 'between_h'], ['region']);
  drawFromContext(g, true, 'region');
  g.output('image', 'float32', ['batch', 3, R, R]);
  return g.toBytes();
}

export function exampleCannyFillManifest(name: string, readCaption: boolean): ImageToImageManifest {
  return {
    name,
    kind: 'image_to_image',
    task: 'controllable-generation',
    resolution: R,
    condition_resolution: R,
    inputs: { condition: 'edges', ...(readCaption ? { context: 'context' } : {}) },
    outputs: { images: 'image' },
    output_range: [-1, 1],
    ...(readCaption ? { text_encoder: EXAMPLE_TEXT_ENCODER } : {}),
  };
}

/** A demo submission: the main file, its manifest, and the companion files by multipart field. */
export interface ExampleImageConditionedSubmission {
  name: string;
  modelPath: string;
  manifestPath: string;
  companions: Array<{ field: string; path: string }>;
}

/**
 * Writes the demo's image-conditioned submissions into `dir`: the bilinear ×4 restorer (smoke-sr4-32), the
 * instruction-following editor with its text encoder and tokenizer (smoke-edit-32), and the caption-reading Canny
 * fill with the text-to-image examples' encoder and tokenizer (smoke-canny-text-32).
 */
export async function writeExampleImageConditioned(dir: string): Promise<ExampleImageConditionedSubmission[]> {
  await mkdir(dir, { recursive: true });
  const file = (name: string) => join(dir, name);
  const write = async (name: string, model: Uint8Array, manifest: { name: string }, companions: Array<[string, Uint8Array | string]>) => {
    await writeFile(file(`${name}.onnx`), model);
    await writeFile(file(`${name}.json`), JSON.stringify({ ...manifest, name }, null, 2) + '\n');
    const parts: Array<{ field: string; path: string }> = [];
    for (const [field, bytes] of companions) {
      const path = file(`${name}-${field}${field === 'tokenizer' ? '.json' : '.onnx'}`);
      await writeFile(path, bytes);
      parts.push({ field, path });
    }
    return { name, modelPath: file(`${name}.onnx`), manifestPath: file(`${name}.json`), companions: parts };
  };
  return [
    await write('sr4-bilinear', buildResizeRestorer('linear'), exampleRestorerManifest('sr4-bilinear'), []),
    await write('edit-recolour', buildRecolourEditor(true), exampleEditorManifest('edit-recolour'), [
      ['text_encoder', buildInstructionEncoder()],
      ['tokenizer', exampleEditTokenizerJson()],
    ]),
    await write('canny-fill-captioned', buildCannyFill(true), exampleCannyFillManifest('canny-fill-captioned', true), [
      ['text_encoder', buildExampleTextEncoder()],
      ['tokenizer', exampleTokenizerJson()],
    ]),
  ];
}
