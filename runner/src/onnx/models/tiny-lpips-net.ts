import { GraphBuilder, attr } from '../graph-builder.js';
import { builtinExtractorWeights } from '../../random/protocol-streams.js';

/** lpips' ScalingLayer (lpips/lpips.py): (x − shift) / scale per channel, on inputs in [−1, 1]. */
export const LPIPS_SHIFT = [-0.03, -0.088, -0.188] as const;
export const LPIPS_SCALE = [0.458, 0.448, 0.45] as const;

export const TINY_LPIPS_CHANNELS = [4, 6, 8] as const;

/**
 * A random-weight stand-in for LPIPS' AlexNet in tests, in the contract of contracts/manifest/lpips-manifest:
 * `images` float32 [N, 3, H, W] in [−1, 1] → ScalingLayer → three (Conv k3 p1 + Relu) stages, 2×2 max pools
 * between them → `relu1` [N, 4, H, W], `relu2` [N, 6, H/2, W/2], `relu3` [N, 8, H/4, W/4]; and non-negative
 * lin weights, one per channel of each layer, as `lin0` … `lin2`.
 */
export function buildTinyLpipsNet(seed: number): { model: Uint8Array; lins: Float32Array[] } {
  const g = new GraphBuilder({ name: 'tiny-lpips-net' });
  g.input('images', 'float32', ['batch', 3, 'height', 'width']);
  g.initializer('shift', Float32Array.from(LPIPS_SHIFT), [1, 3, 1, 1]);
  g.initializer('scale', Float32Array.from(LPIPS_SCALE), [1, 3, 1, 1]);
  g.node('Sub', ['images', 'shift'], ['shifted']).node('Div', ['shifted', 'scale'], ['scaled']);
  const conv = { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) };
  const pool = { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) };
  let input = 'scaled';
  let cin = 3;
  const lins: Float32Array[] = [];
  TINY_LPIPS_CHANNELS.forEach((cout, l) => {
    const name = `conv${l + 1}`;
    if (l > 0) {
      g.node('MaxPool', [input], [`pool${l}`], pool);
      input = `pool${l}`;
    }
    const fanIn = cin * 9;
    g.initializer(`${name}_w`, builtinExtractorWeights(seed, `${name}_w`, cout * fanIn, Math.sqrt(2 / fanIn)), [cout, cin, 3, 3]);
    g.initializer(`${name}_b`, builtinExtractorWeights(seed, `${name}_b`, cout, 0.05), [cout]);
    g.node('Conv', [input, `${name}_w`, `${name}_b`], [name], conv).node('Relu', [name], [`relu${l + 1}`]);
    g.output(`relu${l + 1}`, 'float32', ['batch', cout, `h${l + 1}`, `w${l + 1}`]);
    lins.push(builtinExtractorWeights(seed, `lin${l}`, cout, 0.2).map(Math.abs));
    input = `relu${l + 1}`;
    cin = cout;
  });
  return { model: g.toBytes(), lins };
}
