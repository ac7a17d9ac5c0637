import { z } from 'zod';
import { SEGMENTATION_PROTOCOLS } from '../../../runner/src/segmentation/protocols.js';
import { TASKS } from '../../../runner/src/suites/suite.schemas.js';

export const LeaderboardQuery = z.strictObject({
  task: z.enum(TASKS).optional(),
  resolution: z.coerce.number().int().min(1).optional(),
  suite: z.string().optional(),
  /** Zero-shot segmentation: only suites scored under this matching protocol. */
  protocol: z.enum(SEGMENTATION_PROTOCOLS).optional(),
  /** Entries per board (ranks are computed over the whole board first). */
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /**
   * `latest` (default): one entry per model, its newest version the caller sees that has a score on the
   * suite. `all`: one entry per model version. Ranks, totals, pages and exports follow the choice.
   */
  versions: z.enum(['latest', 'all']).default('latest'),
  offset: z.coerce.number().int().min(0).default(0),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;
