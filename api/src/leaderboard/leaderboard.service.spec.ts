import { describe, expect, it } from 'vitest';
import smokeSegPerImage from '../../../benchmarks/segmentation/smoke-seg-per-image.suite.js';
import smoke32 from '../../../benchmarks/smoke/smoke-32.suite.js';
import { segmentationInfo } from './leaderboard.service.js';

describe('segmentationInfo', () => {
  it('shows the matching protocol and K of segmentation suites, and nothing for other tasks', () => {
    expect(segmentationInfo(smokeSegPerImage)).toEqual({ protocol: 'per-image-hungarian', classes: 5 });
    expect(segmentationInfo(smoke32)).toEqual({ protocol: null, classes: null });
    expect(segmentationInfo(null)).toEqual({ protocol: null, classes: null });
  });
});
