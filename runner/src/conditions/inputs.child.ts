// Child-process entry for publishing an image-conditioned suite's inputs (GET /api/suites/:id/inputs): receives
// {suite, out, assetDirs} over IPC, writes the npz (suite-inputs.ts) and answers {ok, count, side} or the reason.
// In a child so that the API process decodes, degrades and edge-detects nothing itself (runner/src/api-entry.ts).
import { ImageConditionedSuiteDefinition } from '../../../contracts/suites/image-conditioned-suite.schemas.js';
import type { AssetDirs } from '../../../contracts/assets/asset-dirs.js';
import { suiteInputs, writeSuiteInputs } from './suite-inputs.js';

export interface PublishInputsRequest {
  suite: unknown;
  out: string;
  assetDirs: AssetDirs;
}
export type PublishInputsReply = { ok: true; count: number; side: number } | { ok: false; problem: string };

process.once('message', (msg: PublishInputsRequest) => {
  publish(msg).then(
    (reply) => process.send!(reply, () => process.exit(0)),
    (err: unknown) => process.send!({ ok: false, problem: (err as Error).message } satisfies PublishInputsReply, () => process.exit(0)),
  );
});

async function publish(msg: PublishInputsRequest): Promise<PublishInputsReply> {
  const suite = ImageConditionedSuiteDefinition.parse(msg.suite);
  const inputs = await suiteInputs(suite, msg.assetDirs);
  await writeSuiteInputs(msg.out, inputs);
  return { ok: true, count: inputs.count, side: inputs.side };
}
