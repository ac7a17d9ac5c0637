import { fileURLToPath } from 'node:url';
import type { AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import type { ImageConditionedSuiteDefinition } from '../../../contracts/suites/image-conditioned-suite.schemas.js';
import { runChildOnce } from '../child/fork-module.js';
import type { PublishInputsReply } from './inputs.child.js';

const CHILD = fileURLToPath(new URL('./inputs.child.ts', import.meta.url));

/** Writes `suite`'s published inputs to `out` in a child process (inputs.child.ts); the reply says how many, or why not. */
export async function publishInputsInChild(
  suite: ImageConditionedSuiteDefinition,
  out: string,
  assetDirs: AssetDirs,
  timeoutMs: number,
): Promise<PublishInputsReply> {
  const r = await runChildOnce<PublishInputsReply>(CHILD, { suite, out, assetDirs }, timeoutMs);
  if (r.message) return r.message;
  if (r.timedOut) return { ok: false, problem: `computing the inputs took longer than ${Math.round(timeoutMs / 1000)} s` };
  return {
    ok: false,
    problem: `the process computing the inputs ${r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`}`,
  };
}
