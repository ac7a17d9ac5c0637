import { describe, expect, it } from 'vitest';
import { InceptionScoreParams, KidParams, METRICS, metricInfo, PrecisionRecallParams, UnknownMetricError } from './registry.js';

describe('metric registry', () => {
  it('registers the ADM metrics and KID once each, with directions', () => {
    const ids = METRICS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['fid', 'sfid', 'inception_score', 'precision', 'recall', 'kid', 'kid_std']));
    expect(metricInfo('fid').higherIsBetter).toBe(false);
    expect(metricInfo('inception_score').higherIsBetter).toBe(true);
    expect(metricInfo('recall').version).toBe(1);
  });

  it('registers the text-to-image metrics: CLIP score up, CMMD down', () => {
    expect(metricInfo('clip_score')).toMatchObject({ higherIsBetter: true, needs: 'CLIP image and prompt embeddings' });
    expect(metricInfo('cmmd')).toMatchObject({ higherIsBetter: false, needs: 'CLIP image embeddings' });
  });

  it('registers the video metrics: FVD and FID of frames down, per-frame CLIP score and temporal consistency up', () => {
    expect(metricInfo('fvd')).toMatchObject({ higherIsBetter: false, needs: 'video clip statistics' });
    expect(metricInfo('fid_frames')).toMatchObject({ higherIsBetter: false, needs: 'frame pool statistics' });
    expect(metricInfo('clip_score_frames')).toMatchObject({ higherIsBetter: true, needs: 'CLIP frame and prompt embeddings' });
    expect(metricInfo('temporal_consistency')).toMatchObject({ higherIsBetter: true, needs: 'frame features' });
  });

  it('registers the image-conditioned fidelity metrics: PSNR and SSIM up, on paired images', () => {
    expect(metricInfo('psnr')).toMatchObject({ higherIsBetter: true, needs: 'paired images' });
    expect(metricInfo('ssim')).toMatchObject({ higherIsBetter: true, needs: 'paired images' });
    expect(metricInfo('edge_f1')).toMatchObject({ higherIsBetter: true, needs: 'edge maps' });
  });

  it('registers the edit metrics: CLIP-I and CLIP directional similarity up, from CLIP embeddings of outputs and inputs', () => {
    expect(metricInfo('clip_i')).toMatchObject({ higherIsBetter: true, needs: 'CLIP image embeddings of outputs and inputs' });
    expect(metricInfo('clip_directional')).toMatchObject({
      higherIsBetter: true,
      needs: 'CLIP image and caption embeddings of outputs and inputs',
    });
  });

  it('registers LPIPS: down, from the LPIPS network features of paired images', () => {
    expect(metricInfo('lpips')).toMatchObject({ higherIsBetter: false, needs: 'LPIPS network features of paired images' });
  });

  it('throws for unknown ids, naming the known ones', () => {
    expect(() => metricInfo('nope')).toThrow(UnknownMetricError);
    expect(() => metricInfo('nope')).toThrow(/unknown metric 'nope' \(known: fid, sfid/);
  });

  it('params schemas default to the ADM protocol', () => {
    expect(InceptionScoreParams.parse({})).toEqual({ splitMode: 'adm-5000', seed: 0 });
    expect(PrecisionRecallParams.parse({})).toEqual({ k: 3, distancePrecision: 'fp32' });
    expect(KidParams.parse({})).toEqual({ subsets: 100, subsetSize: 1000, seed: 0 });
    expect(PrecisionRecallParams.safeParse({ distancePrecision: 'fp8' }).success).toBe(false);
  });
});
