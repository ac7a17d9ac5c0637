import { describe, expect, it } from 'vitest';
import { segmentationInfo } from './leaderboard.service.js';

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
