import { describe, expect, it } from 'vitest';
import { makeSyntheticImages } from '../onnx/models/synthetic-images.js';
import { CHANNEL_ROTATE_SOURCE_OF, CHANNEL_ROTATE_TARGET_OF, remapSources } from './paired-sources.js';

describe('paired translation sources (synthetic remap)', () => {
  it('channel-rotate maps each pixel (R, G, B) to (G, B, R), exactly', () => {
    const t = new Uint8Array([10, 20, 30, 0, 128, 255]);
    expect(Array.from(remapSources('channel-rotate', t))).toEqual([20, 30, 10, 128, 255, 0]);
  });

  it('the target-of permutation inverts the source-of one, so an exact translator recovers every target', () => {
    for (let c = 0; c < 3; c++) expect(CHANNEL_ROTATE_SOURCE_OF[CHANNEL_ROTATE_TARGET_OF[c]!]).toBe(c);
    const targets = makeSyntheticImages({ n: 4, resolution: 16, seed: 5 });
    const sources = remapSources('channel-rotate', targets);
    const back = new Uint8Array(sources.length);
    for (let p = 0; p < sources.length; p += 3) for (let c = 0; c < 3; c++) back[p + c] = sources[p + CHANNEL_ROTATE_TARGET_OF[c]!]!;
    expect(back).toEqual(targets);
    // The sources are a different domain: not the targets themselves (the synthetic images are not grey).
    expect(sources).not.toEqual(targets);
  });

  it('refuses an unknown remap', () => {
    expect(() => remapSources('mirror' as never, new Uint8Array(3))).toThrow(/unknown source remap "mirror"/);
  });
});
