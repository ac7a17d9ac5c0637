import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Parses an HTTP input with a zod schema; failures become a 400 listing each offending field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issues = res.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `invalid ${what}: ` + issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
    issues,
  });
}
