import { z } from 'zod';
import { TASKS } from '../../../runner/src/suites/suite.schemas.js';

export const LeaderboardQuery = z.strictObject({
  task: z.enum(TASKS).optional(),
  resolution: z.coerce.number().int().min(1).optional(),
  suite: z.string().optional(),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;
