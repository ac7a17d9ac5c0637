// Container health check for a runner: healthy while its heartbeat file is fresh (written every 10 s by
// the worker process, see heartbeat.ts). Plain JS so it runs without the TypeScript loader.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const file = join(resolve(process.env.GENBENCH_CACHE_DIR ?? '.genbench/runner-cache'), 'heartbeat');
try {
  const age = Date.now() - statSync(file).mtimeMs;
  process.exit(age < 60_000 ? 0 : 1);
} catch {
  process.exit(1);
}
