import { z } from 'zod';

/** What a denoiser's network predicts; runner/src/sampling/predictions.ts converts between them. */
export const PredictionType = z.enum(['eps', 'x0', 'v', 'velocity', 'score']);
export type PredictionType = z.infer<typeof PredictionType>;
