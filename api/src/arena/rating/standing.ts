// How a stored rating is shown: below the minimum vote count a model has no rating to show, only a note
// saying why (a Bradley–Terry estimate from a handful of votes is mostly its prior and would mislead).

export interface StoredStanding {
  rating: number;
  low: number;
  high: number;
  votes: number;
}

export interface Standing {
  /** 1000 + 400·θ/ln 10; null below the minimum vote count */
  rating: number | null;
  low: number | null;
  high: number | null;
  votes: number;
  enoughVotes: boolean;
  /** why there is no rating, or null */
  note: string | null;
}

export function arenaStanding(e: StoredStanding, minVotes: number): Standing {
  const enough = e.votes >= minVotes;
  return {
    rating: enough ? e.rating : null,
    low: enough ? finite(e.low) : null,
    high: enough ? finite(e.high) : null,
    votes: e.votes,
    enoughVotes: enough,
    note: enough ? null : `too few votes to rate (${e.votes} < ${minVotes})`,
  };
}

/**
 * Arena order: rated entries by rating (highest first), then those with too few votes by vote count, then those
 * the arena has not rated (`null`); `Array.prototype.sort` is stable, so equal entries keep their incoming order.
 */
export function compareStandings(a: Pick<Standing, 'rating' | 'votes'> | null, b: Pick<Standing, 'rating' | 'votes'> | null): number {
  const tier = (s: typeof a) => (s === null ? 2 : s.rating === null ? 1 : 0);
  if (tier(a) !== tier(b)) return tier(a) - tier(b);
  if (a === null || b === null) return 0;
  if (a.rating !== null && b.rating !== null) return b.rating - a.rating;
  return b.votes - a.votes;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
