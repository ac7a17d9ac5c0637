import { describe, expect, it } from 'vitest';
import { rankRows, segmentationInfo } from './leaderboard.service.js';

describe('rankRows', () => {
  it('ranks ascending when lower is better, with competition ranking on ties', () => {
    const rows = [
      { primary: 3, n: 'c' },
      { primary: 1, n: 'a' },
      { primary: 2, n: 'b1' },
      { primary: 2, n: 'b2' },
    ];
    expect(rankRows(rows, false).map((r) => [r.n, r.rank])).toEqual([
      ['a', 1],
      ['b1', 2],
      ['b2', 2],
      ['c', 4],
    ]);
  });
  it('ranks descending when higher is better and keeps the input order among ties', () => {
    const rows = [
      { primary: 0.5, n: 'x' },
      { primary: 0.9, n: 'y' },
      { primary: 0.5, n: 'z' },
    ];
    expect(rankRows(rows, true).map((r) => [r.n, r.rank])).toEqual([
      ['y', 1],
      ['x', 2],
      ['z', 2],
    ]);
  });
});

describe('segmentationInfo', () => {
  it('shows the matching protocol and K of segmentation suites, and nothing for other tasks', () => {
    expect(segmentationInfo({ task: 'zero-shot-segmentation', protocol: 'per-image-hungarian', classes: 27 })).toEqual({
      protocol: 'per-image-hungarian',
      classes: 27,
    });
    expect(segmentationInfo({ task: 'unconditional-generation', samples: 1024 })).toEqual({ protocol: null, classes: null });
    expect(segmentationInfo(null)).toEqual({ protocol: null, classes: null });
  });
});
