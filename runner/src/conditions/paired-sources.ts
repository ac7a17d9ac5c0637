// Paired translation's source domain for synthetic suites (issue #17, DDBM-style): derived by the harness from
// each target so that every model sees the same sources. `channel-rotate` maps target pixel (R, G, B) to source
// pixel (G, B, R): a fixed, exactly invertible colour remap, so a translator that inverts it reproduces the
// target and the identity (answering the source itself) does not.

import type { SYNTHETIC_REMAPS } from '../../../contracts/suites/image-conditioned-suite.schemas.js';

/** Channel c of the source is channel SOURCE_CHANNEL[c] of the target. */
export const CHANNEL_ROTATE_SOURCE_OF = [1, 2, 0] as const;
/** Channel c of the target is channel TARGET_CHANNEL[c] of the source: the inverse permutation. */
export const CHANNEL_ROTATE_TARGET_OF = [2, 0, 1] as const;

/** The synthetic sources of uint8 NHWC targets (any count and size), uint8 NHWC of the same shape. */
export function remapSources(remap: (typeof SYNTHETIC_REMAPS)[number], targets: Uint8Array): Uint8Array {
  if (remap !== 'channel-rotate') throw new Error(`unknown source remap ${JSON.stringify(remap)}`);
  const out = new Uint8Array(targets.length);
  for (let p = 0; p < targets.length; p += 3) for (let c = 0; c < 3; c++) out[p + c] = targets[p + CHANNEL_ROTATE_SOURCE_OF[c]!]!;
  return out;
}
