import type { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/** Every call a transaction makes on its one connection. */
const TRANSACTION_CALLS = new Set<PropertyKey>([
  'queryRaw',
  'executeRaw',
  'commit',
  'rollback',
  'createSavepoint',
  'rollbackToSavepoint',
  'releaseSavepoint',
]);

/**
 * Runs a transaction's statements one after another on its single connection.
 *
 * Prisma 7's query interpreter loads the relations of an `include` with `Promise.all`. Outside a transaction
 * each query takes its own pooled connection; inside one, all of them land on the same `pg.Client`, which
 * then queues them itself — deprecated since pg 8.19 ("Calling client.query() when the client is already
 * executing a query") and an error in pg 9. Queueing them here instead keeps the order Prisma asked for and
 * never hands the client a second query while one runs. (Upstream: prisma/orm pull requests 29468 and 29979,
 * open as of adapter-pg 7.10.)
 */
export function serialTransactions(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  return new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop !== 'connect') return own(target, prop, receiver);
      return async (): Promise<Adapter> => {
        const adapter = await connect();
        const start = adapter.startTransaction.bind(adapter);
        return new Proxy(adapter, {
          get(a, p, r) {
            if (p !== 'startTransaction') return own(a, p, r);
            return async (...args: Parameters<Adapter['startTransaction']>) => serialize(await start(...args));
          },
        });
      };
    },
  });
}

/** A property of the wrapped object; its methods stay bound to it (class-private fields need the real `this`). */
function own(target: object, prop: PropertyKey, receiver: unknown): unknown {
  const value = Reflect.get(target, prop, receiver) as unknown;
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

function serialize(tx: Transaction): Transaction {
  let tail: Promise<unknown> = Promise.resolve();
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = own(target, prop, receiver);
      if (!TRANSACTION_CALLS.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]): Promise<unknown> => {
        const run = tail.then(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        tail = run.catch(() => undefined);
        return run;
      };
    },
  });
}
