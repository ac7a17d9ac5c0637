import { describe, expect, it } from 'vitest';
import { arenaStanding, compareStandings, type Standing } from './standing.js';

describe('arena standing', () => {
  it('shows no rating below the minimum vote count, and says why', () => {
    const stored = { rating: 1234.5, low: 1100, high: 1300, votes: 19 };
    expect(arenaStanding(stored, 20)).toEqual({
      rating: null,
      low: null,
      high: null,
      votes: 19,
      enoughVotes: false,
      note: 'too few votes to rate (19 < 20)',
    });
    expect(arenaStanding({ ...stored, votes: 20 }, 20)).toEqual({
      rating: 1234.5,
      low: 1100,
      high: 1300,
      votes: 20,
      enoughVotes: true,
      note: null,
    });
    // an infinite bound (a bootstrap resample where one model never lost) is no number to show
    expect(arenaStanding({ ...stored, high: Infinity, votes: 5 }, 0).high).toBeNull();
  });

  it('orders rated entries by rating, then too-few-votes entries by votes, then unrated ones, keeping ties in place', () => {
    const s = (rating: number | null, votes: number): Standing => ({
      rating,
      low: null,
      high: null,
      votes,
      enoughVotes: rating !== null,
      note: null,
    });
    const rows: Array<[string, Standing | null]> = [
      ['unrated-1', null],
      ['few-3', s(null, 3)],
      ['r-1100', s(1100, 40)],
      ['few-9', s(null, 9)],
      ['unrated-2', null],
      ['r-1300', s(1300, 25)],
      ['r-1100-b', s(1100, 30)],
    ];
    const sorted = [...rows].sort((a, b) => compareStandings(a[1], b[1])).map(([n]) => n);
    expect(sorted).toEqual(['r-1300', 'r-1100', 'r-1100-b', 'few-9', 'few-3', 'unrated-1', 'unrated-2']);
  });
});
