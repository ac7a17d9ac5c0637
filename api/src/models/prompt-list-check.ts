import { findPromptSuite } from '../../../benchmarks/prompts/index.js';
import type { InspectionReport } from '../../../contracts/inspection/inspection.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { submissionFacts } from '../../../contracts/suites/suite-fit.js';
import { badRequest } from './submission-form.js';

/**
 * A text-to-image sample batch answers one published prompt list (manifest `prompts`), image i for prompt i:
 * a list that does not exist or is empty, or a batch of another count, is a 400 and nothing is stored.
 */
export function checkPromptList(manifest: Manifest, report: Extract<InspectionReport, { ok: true }>): void {
  if (manifest.kind !== 'samples' || manifest.prompts === undefined) return;
  const list = findPromptSuite(manifest.prompts);
  if (!list)
    badRequest(`manifest.prompts: suite "${manifest.prompts}" publishes no prompt list`, [
      { path: 'manifest.prompts', message: `suite "${manifest.prompts}" publishes no prompt list` },
    ]);
  const count = list.prompts().length;
  if (count === 0)
    badRequest(`manifest.prompts: the prompt list of ${list.id} is empty, so no batch can answer it`, [
      { path: 'manifest.prompts', message: `the prompt list of ${list.id} is empty` },
    ]);
  const images = submissionFacts(manifest, report).imagesInBatch;
  if (images !== undefined && images !== count) {
    const message = `the sample batch holds ${images} images but ${list.id} publishes ${count} prompts: image i must answer prompt i (GET /api/suites/${list.id}/prompts)`;
    badRequest(message, [{ path: 'file', message }]);
  }
}
