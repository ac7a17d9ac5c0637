import { describe, expect, it } from 'vitest';
import { permutation } from './prng.js';
import {
  builtinExtractorWeights,
  degradationNoiseStream,
  kmeansSeedingStream,
  metricSubsetStream,
  pixelSampleStream,
  syntheticPromptImageStream,
  syntheticPromptOrderStream,
  syntheticImageStream,
  syntheticSegmentationStream,
  syntheticVideoStream,
} from './protocol-streams.js';

// The first draws of every protocol stream, as they were when the streams were named (values taken from
// the generators the suites had used until then). A failure here means suite scores move: restore the
// stream, or define a new one for new suite versions; do not update these numbers.
// benchmarks/smoke-references.spec.ts pins the smoke suites' reference data built from them.
const take = (next: () => number, n = 4) => Array.from({ length: n }, next);

describe('protocol streams are pinned', () => {
  it('syntheticImageStream (smoke reference images)', () => {
    expect(take(syntheticImageStream(1, 0))).toEqual([0.7808457408100367, 0.7758432594127953, 0.9587410665117204, 0.922382137272507]);
    expect(take(syntheticImageStream(1, 1023))).toEqual([
      0.3795109046623111, 0.030817746184766293, 0.19879368762485683, 0.4418292932678014,
    ]);
  });

  it('syntheticVideoStream (moving-shapes videos)', () => {
    expect(take(syntheticVideoStream(0, 5))).toEqual([0.5068749701604247, 0.48536805692128837, 0.12774172821082175, 0.9262616080231965]);
  });

  it('builtinExtractorWeights (the smoke suites’ tiny extractor)', () => {
    expect(Array.from(builtinExtractorWeights(7, 'conv1_w', 4, 1))).toEqual([
      0.612509548664093, 0.2000061720609665, 1.102644443511963, 2.9711010456085205,
    ]);
    expect(Array.from(builtinExtractorWeights(7, 'fc_b', 4, 0.1))).toEqual([
      0.1485724300146103, -0.0030562877655029297, -0.08845848590135574, 0.04541497305035591,
    ]);
  });

  it('syntheticSegmentationStream (smoke segmentation data)', () => {
    const r = syntheticSegmentationStream(1, 0);
    expect(take(() => r.next())).toEqual([0.8453576026950032, 0.5743786953389645, 0.4561771182343364, 0.09993822872638702]);
    const r5 = syntheticSegmentationStream(1, 5);
    expect(take(() => r5.int(0, 100))).toEqual([40, 81, 12, 29]);
  });

  it('degradationNoiseStream (restoration suites’ measurement noise)', () => {
    expect(take(degradationNoiseStream(0, 0))).toEqual([0.1159701959695667, 0.9071368866134435, 0.5906893787905574, 0.11284470092505217]);
    expect(take(degradationNoiseStream(0, 41))).toEqual([0.3833566936664283, 0.6851518172770739, 0.010435947217047215, 0.3323752179276198]);
  });

  it('kmeansSeedingStream (k-means++ seeding)', () => {
    const k = kmeansSeedingStream(0);
    expect(take(() => k.next())).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111]);
  });

  it('pixelSampleStream (the feature positions k-means sees)', () => {
    const p = pixelSampleStream(0, 3);
    expect(take(() => p.next())).toEqual([0.025824299547821283, 0.6482806282583624, 0.4612478504423052, 0.1547382667195052]);
  });

  it('metricSubsetStream (KID subsets, IS shuffles)', () => {
    const m = metricSubsetStream(0);
    expect(take(() => m.nextUint32())).toEqual([591558436, 2737234123, 107644106, 1338548054]);
    const m123 = metricSubsetStream(123);
    expect(take(() => m123.nextUint32())).toEqual([2339870355, 3838466302, 1753375736, 2533733490]);
  });

  it('syntheticPromptOrderStream and syntheticPromptImageStream (smoke text-to-image prompts and reference images)', () => {
    const order = syntheticPromptOrderStream(0);
    expect(take(() => order.nextUint32())).toEqual([591558436, 2737234123, 107644106, 1338548054]);
    expect(Array.from(permutation(syntheticPromptOrderStream(0), 224).slice(0, 6))).toEqual([163, 131, 75, 170, 34, 85]);
    expect(take(syntheticPromptImageStream(3, 0), 3)).toEqual([0.7917664416600019, 0.539454631274566, 0.9289788354653865]);
    expect(take(syntheticPromptImageStream(1, 223), 3)).toEqual([0.02752995863556862, 0.9773188517428935, 0.5514434666838497]);
  });
});
