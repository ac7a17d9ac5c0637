import { describe, expect, it } from 'vitest';
import { stageBreakdown } from './stage-breakdown';

const live = {
  stage: 'features',
  done: 1200,
  total: 5000,
  ratePerS: 14.2,
  etaS: 268,
  wallMs: { sampling: 6000, features: 2000, decoding: 0 },
};

describe('stageBreakdown', () => {
  it('while running: the posted stages in run order, shares of the time so far, the running stage marked, rate and ETA', () => {
    const b = stageBreakdown({ status: 'running', stageProgress: live, provenance: null })!;
    expect(b.source).toBe('live');
    expect(b.rows.map((r) => [r.stage, r.ms, r.share, r.running])).toEqual([
      ['sampling', 6000, 0.75, false],
      ['decoding', 0, 0, false],
      ['features', 2000, 0.25, true],
    ]);
    expect(b.headline).toBe('features 1,200/5,000 samples · 14/s · ETA 4 min 28 s');
  });

  it('a running stage with no wall time yet still gets its row', () => {
    const b = stageBreakdown({ status: 'running', stageProgress: { ...live, stage: 'reference' }, provenance: null })!;
    expect(b.rows.at(-1)).toEqual({ stage: 'reference', ms: 0, share: 0, running: true });
  });

  it("after the run: provenance's wall times, shares of the whole run, no headline", () => {
    const b = stageBreakdown({
      status: 'succeeded',
      stageProgress: live,
      provenance: { durationsMs: { metrics: 1000, sampling: 6000, features: 2000, samplesAndFeatures: 8000, total: 10_000 } },
    })!;
    expect(b.source).toBe('final');
    expect(b.rows.map((r) => [r.stage, r.share])).toEqual([
      ['sampling', 0.6],
      ['features', 0.2],
      ['metrics', 0.1],
    ]);
    expect(b.headline).toBeNull();
  });

  it('a failed run without wall times shows the last post; a queued one nothing', () => {
    expect(stageBreakdown({ status: 'failed', stageProgress: live, provenance: null })!.source).toBe('last');
    expect(stageBreakdown({ status: 'queued', stageProgress: null, provenance: null })).toBeNull();
  });
});
