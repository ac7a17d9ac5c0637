import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Touches <cacheDir>/heartbeat every 10 s; healthcheck.mjs reads its age. */
export function startHeartbeat(cacheDir: string, intervalMs = 10_000): () => void {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, 'heartbeat');
  const beat = () => writeFileSync(file, new Date().toISOString());
  beat();
  const t = setInterval(beat, intervalMs);
  t.unref();
  return () => clearInterval(t);
}
