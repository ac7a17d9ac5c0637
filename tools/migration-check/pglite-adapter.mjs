// Driver adapter for Prisma 6's WASM schema engine (`engine: "js"`) on in-process PGlite, for the main
// and the shadow database. pglite-prisma-adapter 0.6 needs two fixes for migrations:
// - the engine applies each migration.sql with executeRaw and no parameters; the adapter sends that as a
//   prepared statement, which PostgreSQL refuses for several statements ("cannot insert multiple
//   commands into a prepared statement"). Such SQL goes through PGlite's exec (simple query protocol).
// - its executeScript does not await PGlite's exec, so an error in the script is lost (an unhandled
//   rejection); here it is awaited and reported as a database error.
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

function patch(adapter, client) {
  const onError = adapter.onError.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length > 0) return executeRaw(query);
    try {
      const results = await client.exec(query.sql);
      return results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
    } catch (e) {
      onError(e);
    }
  };
  adapter.executeScript = async (script) => {
    try {
      await client.exec(script);
    } catch (e) {
      onError(e);
    }
  };
  return adapter;
}

/**
 * A factory on in-memory PGlite. `migrate diff --from-migrations` only asks the main database for its
 * version and builds the migrations in the shadow database, so the first shadow database is the (empty)
 * main one: starting a PGlite costs about 3 s of CPU. Any further shadow database is a fresh PGlite.
 */
export function pgliteAdapterFactory() {
  const main = new PGlite();
  const factory = new PrismaPGlite(main);
  const connect = factory.connect.bind(factory);
  let mainLent = false;
  factory.connect = async () => patch(await connect(), main);
  factory.connectToShadowDb = async () => {
    if (!mainLent) {
      mainLent = true;
      return patch(await connect(), main);
    }
    const shadow = new PGlite();
    return patch(await new PrismaPGlite(shadow).connect(), shadow);
  };
  return factory;
}
