import { z } from 'zod';

export const ListModelsQuery = z.strictObject({
  kind: z.enum(['generator', 'denoiser', 'samples', 'extractor', 'segmenter']).optional(),
  owner: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListModelsQuery = z.infer<typeof ListModelsQuery>;
export const ModelId = z.uuid({ message: 'model ids are UUIDs' });
