import { z } from 'zod';
import { apiSchema } from '../common/openapi.js';

/** The header carrying an anonymous voter's session token. */
export const ARENA_SESSION_HEADER = 'x-arena-session';

export const ArenaSessionToken = z
  .string()
  .regex(/^gb_arena_[A-Za-z0-9_-]{32}$/, 'an arena session token is gb_arena_ followed by 32 characters');
export const PairId = z.uuid();
export const SuiteIdParam = z.string().min(1).max(200);

export const PairRequest = apiSchema('ArenaPairRequest', z.strictObject({ suiteId: z.string().min(1).max(200) }));
export type PairRequest = z.infer<typeof PairRequest>;

export const ArenaChoice = z.enum(['left', 'right', 'tie', 'both_bad']);
export const VoteBody = apiSchema('ArenaVoteBody', z.strictObject({ choice: ArenaChoice }));
export type VoteBody = z.infer<typeof VoteBody>;

export const DiscardBody = apiSchema(
  'ArenaDiscardBody',
  z.strictObject({ voter: z.string().regex(/^(token|session):[0-9a-f-]{36}$/, 'a voter is token:<uuid> or session:<uuid>') }),
);

export const RecomputeBody = apiSchema('ArenaRecomputeBody', z.strictObject({ suiteId: z.string().min(1).max(200).optional() }));

export const BoardQuery = z.strictObject({ sort: z.enum(['rating', 'votes']).default('rating') });

export const SessionView = apiSchema('ArenaSession', z.object({ token: z.string(), header: z.string() }));

/** One side of a pair: the kept PNG of that model's sample at the pair's index (served anonymously by the pair's route). */
const Side = z.object({ url: z.string(), index: z.number().int() });
export const PairView = apiSchema(
  'ArenaPair',
  z.object({
    id: z.uuid(),
    suite: z.object({ id: z.string(), version: z.number().int() }),
    sampleIndex: z.number().int(),
    left: Side,
    right: Side,
  }),
);

const Revealed = z.object({ model: z.string(), owner: z.string(), version: z.number().int() });
export const VoteView = apiSchema(
  'ArenaVote',
  z.object({ id: z.uuid(), pairId: z.uuid(), choice: ArenaChoice, left: Revealed, right: Revealed }),
);

/** A model's arena standing: no rating (null) below the minimum vote count, and a note saying so. */
export const ArenaStanding = z.object({
  rating: z.number().nullable().describe('1000 + 400·θ/ln 10; null while the model has fewer votes than the minimum'),
  low: z.number().nullable(),
  high: z.number().nullable(),
  votes: z.number().int(),
  enoughVotes: z.boolean(),
  note: z.string().nullable().describe('why there is no rating (too few votes), else null'),
});
export const BoardEntry = z.object({
  model: z.string(),
  owner: z.string(),
  version: z.number().int(),
  ...ArenaStanding.shape,
  primaryMetric: z.number().nullable(),
});
export const Agreement = z.object({
  metricId: z.string(),
  n: z.number().int(),
  tau: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export const BoardView = apiSchema(
  'ArenaBoard',
  z.object({
    suite: z.object({ id: z.string(), version: z.number().int(), primaryMetric: z.string() }),
    rating: z
      .object({
        version: z.number().int(),
        algorithm: z.string(),
        seed: z.number().int(),
        resamples: z.number().int(),
        votes: z.number().int(),
        createdAt: z.string(),
      })
      .nullable(),
    minVotes: z.number().int(),
    entries: z.array(BoardEntry),
    agreement: z.array(Agreement),
  }),
);
export type BoardView = z.infer<typeof BoardView>;

export const RecomputeView = apiSchema(
  'ArenaRecompute',
  z.object({
    ratings: z.array(z.object({ suiteId: z.string(), suiteVersion: z.number().int(), version: z.number().int(), votes: z.number().int() })),
  }),
);
export const VoterList = apiSchema(
  'ArenaVoters',
  z.array(z.object({ voter: z.string(), votes: z.number().int(), discarded: z.number().int() })),
);
export const DiscardView = apiSchema('ArenaDiscard', z.object({ voter: z.string(), discarded: z.number().int() }));

/** What a stored rating's `entries` column holds, one per model version. */
export const StoredEntry = z.object({
  modelVersionId: z.string(),
  theta: z.number(),
  rating: z.number(),
  low: z.number(),
  high: z.number(),
  votes: z.number().int(),
});
export const StoredAgreement = z.object({
  metricId: z.string(),
  n: z.number().int(),
  tau: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
