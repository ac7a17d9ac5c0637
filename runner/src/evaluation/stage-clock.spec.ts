import { describe, expect, it } from 'vitest';
import { describeProgress, StageClock } from './stage-clock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StageClock', () => {
  it('books wall time per stage, moves nested decoding out of sampling, and gives a rate and an ETA', async () => {
    const clock = new StageClock();
    clock.startLoop();
    await clock.time('sampling', async () => {
      await sleep(60);
      clock.move('sampling', 'decoding', 25);
    });
    await clock.time('features', () => sleep(30));
    const p = clock.progress(10, 40);
    expect(p.stage).toBe('sampling');
    expect(p.wallMs.decoding).toBe(25);
    expect(p.wallMs.sampling!).toBeGreaterThanOrEqual(30);
    expect(p.wallMs.sampling!).toBeLessThan(60 + 200);
    expect(p.wallMs.features!).toBeGreaterThanOrEqual(25);
    expect(p.ratePerS!).toBeGreaterThan(0);
    // 30 samples left at the loop's rate so far.
    expect(p.etaS!).toBeCloseTo(30 / p.ratePerS!, 6);
    expect(describeProgress(p)).toMatch(
      /^sampling 10\/40 samples, [\d.]+\/s, ETA [\d.]+ s · sampling [\d.]+ s, decoding [\d.]+ s, features [\d.]+ s$/,
    );
  });

  it('has no rate or ETA before the first sample', () => {
    const clock = new StageClock();
    clock.startLoop();
    const p = clock.progress(0, 100);
    expect(p.ratePerS).toBeNull();
    expect(p.etaS).toBeNull();
    expect(describeProgress(p)).toBe('sampling 0/100 samples');
  });

  it('books the time of a failed stage too', async () => {
    const clock = new StageClock();
    await expect(
      clock.time('metrics', async () => {
        await sleep(20);
        throw new Error('singular covariance');
      }),
    ).rejects.toThrow('singular covariance');
    expect(clock.wallMs.metrics!).toBeGreaterThanOrEqual(15);
  });
});
