import { findSuite } from '../../../benchmarks/index.js';
import type { InspectionReport } from '../../../contracts/inspection/inspection.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { isImageConditionedSuite } from '../../../contracts/suites/image-conditioned-suite.schemas.js';
import { submissionFacts } from '../../../contracts/suites/suite-fit.js';
import { badRequest } from './submission-form.js';

/**
 * An image-conditioned sample batch answers one suite's published inputs (manifest `conditions`), output i for
 * input i: a suite that publishes none, or a batch of another count, is a 400 and nothing is stored.
 */
export function checkConditionInputs(manifest: Manifest, report: Extract<InspectionReport, { ok: true }>): void {
  if (manifest.kind !== 'samples' || manifest.conditions === undefined) return;
  const suite = findSuite(manifest.conditions);
  if (!suite || !isImageConditionedSuite(suite))
    badRequest(`manifest.conditions: suite "${manifest.conditions}" publishes no inputs`, [
      { path: 'manifest.conditions', message: `suite "${manifest.conditions}" publishes no inputs (only image-conditioned suites do)` },
    ]);
  if (manifest.resolution !== suite.resolution) {
    const message = `the manifest declares resolution ${manifest.resolution}, but ${suite.id}'s targets are ${suite.resolution}×${suite.resolution}`;
    badRequest(message, [{ path: 'manifest.resolution', message }]);
  }
  const images = submissionFacts(manifest, report).imagesInBatch;
  if (images !== undefined && images !== suite.samples) {
    const message = `the sample batch holds ${images} images but ${suite.id} publishes ${suite.samples} inputs: output i must answer input i (GET /api/suites/${suite.id}/inputs)`;
    badRequest(message, [{ path: 'file', message }]);
  }
}
