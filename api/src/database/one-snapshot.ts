import type { Prisma } from '../generated/prisma/client.js';

/**
 * Prisma loads each relation of an `include` with a SELECT of its own. At READ COMMITTED each of them sees
 * what was committed when it started, so a result stored between two of them (complete() writes metrics and
 * status in one transaction) read as its metrics beside status 'running'. REPEATABLE READ gives every
 * statement of one read the same snapshot.
 */
export const ONE_SNAPSHOT = { isolationLevel: 'RepeatableRead' } as const satisfies { isolationLevel: Prisma.TransactionIsolationLevel };
