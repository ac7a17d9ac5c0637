import { describe, expect, it } from 'vitest';
import { pairWeight } from '../arena/arena.service.js';
import { loadConfig } from './config.js';

describe('arena configuration', () => {
  it('defaults to the values README.md states: 500 resamples, 20 votes, 30 votes a minute, closeness 400, penalty 1, hourly', () => {
    expect(loadConfig({}).arena).toEqual({
      resamples: 500,
      minVotes: 20,
      votesPerMinute: 30,
      pairCloseness: 400,
      pairRepeatPenalty: 1,
      recomputeIntervalMs: 3_600_000,
    });
  });

  it('reads each constant from its variable', () => {
    const arena = loadConfig({
      GENBENCH_ARENA_RESAMPLES: '50',
      GENBENCH_ARENA_MIN_VOTES: '3',
      GENBENCH_ARENA_VOTES_PER_MINUTE: '0',
      GENBENCH_ARENA_PAIR_CLOSENESS: '200',
      GENBENCH_ARENA_PAIR_REPEAT_PENALTY: '2',
      GENBENCH_ARENA_RECOMPUTE_INTERVAL_S: '0',
    }).arena;
    expect(arena).toEqual({
      resamples: 50,
      minVotes: 3,
      votesPerMinute: 0,
      pairCloseness: 200,
      pairRepeatPenalty: 2,
      recomputeIntervalMs: 0,
    });
  });

  it.each([
    ['GENBENCH_ARENA_RESAMPLES', '0'],
    ['GENBENCH_ARENA_RESAMPLES', '2.5'],
    ['GENBENCH_ARENA_MIN_VOTES', '-1'],
    ['GENBENCH_ARENA_VOTES_PER_MINUTE', 'many'],
    ['GENBENCH_ARENA_PAIR_CLOSENESS', '0'],
    ['GENBENCH_ARENA_PAIR_REPEAT_PENALTY', '-1'],
    ['GENBENCH_ARENA_RECOMPUTE_INTERVAL_S', '-5'],
  ])('refuses %s=%s at start, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('weights a pair by closeness in rating and by how little it was judged, as configured', () => {
    const c = { pairCloseness: 400, pairRepeatPenalty: 1 };
    expect(pairWeight(0, 0, c)).toBe(1);
    expect(pairWeight(400, 0, c)).toBeCloseTo(Math.exp(-1), 15);
    expect(pairWeight(-400, 3, c)).toBeCloseTo(Math.exp(-1) / 4, 15);
    expect(pairWeight(200, 3, { pairCloseness: 200, pairRepeatPenalty: 2 })).toBeCloseTo(Math.exp(-1) / 16, 15);
    expect(pairWeight(100, 9, { pairCloseness: 400, pairRepeatPenalty: 0 })).toBe(pairWeight(100, 0, c));
  });
});
