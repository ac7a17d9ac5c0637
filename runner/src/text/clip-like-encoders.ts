// The smoke text-to-image suite's tiny CLIP-like encoder pair, built with the project's ONNX writer. Not a
// random network: both map into one space of 2K dimensions (K palette colours), the first K for the
// foreground colour and the last K for the background colour, so an image and its prompt embed close
// together and a wrong colour moves them apart. Shapes are not encoded (the embedding judges colours only).
// - image encoder: `images` float32 [N, 3, S, S] in [−1, 1] (the `minus-one-one` normalization) → mean colour
//   of the central patch (foreground) and of the one-pixel frame (background) → softmax over the palette of
//   −‖c − p_k‖²/τ → `embedding` [N, 2K], L2-normalised;
// - text encoder: `input_ids` int64 [N, L] of the smoke tokenizer (clip-style-tokenizer.ts) → the tokens at
//   the template's colour positions (2 and 6: <|startoftext|> a {fg} {shape} on a {bg} background) →
//   one-hot rows of a lookup table → `embedding` [N, 2K], L2-normalised.

import { GraphBuilder, attr } from '../onnx/graph-builder.js';
import { PALETTE } from './synthetic-prompts.js';

const TEMPERATURE = 0.05;

function normalizeRows(g: GraphBuilder, input: string, dim: number, output: string): void {
  g.initializer(`${output}_ones`, new Float32Array(dim).fill(1), [dim, 1]);
  g.node('Mul', [input, input], [`${output}_sq`])
    .node('MatMul', [`${output}_sq`, `${output}_ones`], [`${output}_ss`])
    .node('Sqrt', [`${output}_ss`], [`${output}_norm`])
    .node('Div', [input, `${output}_norm`], [output]);
}

/** The image encoder for `size × size` images. */
export function buildClipLikeImageEncoder(size: number): Uint8Array {
  const K = PALETTE.length;
  const g = new GraphBuilder({ name: 'clip-like-image-encoder' });
  g.input('images', 'float32', ['batch', 3, size, size]);
  // Pixel weights: column 0 averages the central patch (within size/16 of the centre), column 1 the frame.
  const masks = new Float32Array(size * size * 2);
  const half = Math.max(1, Math.round(size / 16));
  const c0 = Math.floor(size / 2) - half;
  const c1 = Math.ceil(size / 2) + half;
  let centre = 0;
  let frame = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      if (y >= c0 && y < c1 && x >= c0 && x < c1) centre++;
      if (y === 0 || x === 0 || y === size - 1 || x === size - 1) frame++;
    }
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const p = y * size + x;
      if (y >= c0 && y < c1 && x >= c0 && x < c1) masks[p * 2] = 1 / centre;
      if (y === 0 || x === 0 || y === size - 1 || x === size - 1) masks[p * 2 + 1] = 1 / frame;
    }
  g.initializer('flat_shape', BigInt64Array.from([0n, 3n, -1n]), [3]);
  g.initializer('masks', masks, [size * size, 2]);
  // Palette in [−1, 1]; logits = (2 c·p − ‖p‖²)/τ (the ‖c‖² term does not change the softmax).
  const pt = new Float32Array(3 * K);
  const pp = new Float32Array(K);
  PALETTE.forEach((c, k) => {
    for (let ch = 0; ch < 3; ch++) {
      const v = c.rgb[ch]! / 127.5 - 1;
      pt[ch * K + k] = (2 * v) / TEMPERATURE;
      pp[k] += (v * v) / TEMPERATURE;
    }
  });
  g.initializer('palette_t', pt, [3, K]).initializer('palette_sq', pp, [K]);
  g.initializer('out_shape', BigInt64Array.from([0n, -1n]), [2]);
  g.node('Reshape', ['images', 'flat_shape'], ['flat'])
    .node('MatMul', ['flat', 'masks'], ['colours_t']) // [N, 3, 2]
    .node('Transpose', ['colours_t'], ['colours'], { perm: attr.ints([0, 2, 1]) }) // [N, 2, 3]
    .node('MatMul', ['colours', 'palette_t'], ['dots'])
    .node('Sub', ['dots', 'palette_sq'], ['logits'])
    .node('Softmax', ['logits'], ['probs'], { axis: attr.int(-1) })
    .node('Reshape', ['probs', 'out_shape'], ['raw']);
  normalizeRows(g, 'raw', 2 * K, 'embedding');
  g.output('embedding', 'float32', ['batch', 2 * K]);
  return g.toBytes();
}

/** The text encoder for token ids of context length `contextLength` from a vocabulary of `vocab` ids. */
export function buildClipLikeTextEncoder(contextLength: number, vocabSize: number, colourTokenIds: readonly number[]): Uint8Array {
  const K = PALETTE.length;
  if (colourTokenIds.length !== K) throw new RangeError(`one token id per palette colour (${K}), got ${colourTokenIds.length}`);
  const g = new GraphBuilder({ name: 'clip-like-text-encoder' });
  g.input('input_ids', 'int64', ['batch', contextLength]);
  const table = new Float32Array(vocabSize * K);
  colourTokenIds.forEach((id, k) => {
    table[id * K + k] = 1;
  });
  g.initializer('positions', BigInt64Array.from([2n, 6n]), [2]);
  g.initializer('table', table, [vocabSize, K]);
  g.initializer('out_shape', BigInt64Array.from([0n, -1n]), [2]);
  g.node('Gather', ['input_ids', 'positions'], ['colour_ids'], { axis: attr.int(1) }) // [N, 2]
    .node('Gather', ['table', 'colour_ids'], ['onehots'], { axis: attr.int(0) }) // [N, 2, K]
    .node('Reshape', ['onehots', 'out_shape'], ['raw']);
  normalizeRows(g, 'raw', 2 * K, 'embedding');
  g.output('embedding', 'float32', ['batch', 2 * K]);
  return g.toBytes();
}
