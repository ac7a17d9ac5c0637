import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { badRequest } from './submission-form.js';

/** A matching suite version not queued on, and why (SuitesService.matching). */
type NotQueued = { suiteId: string; version: number; message: string };

/**
 * A video sample batch that the video suites at its resolution all refuse (another frame count, class count
 * or prompt list, too few videos) is a 400 naming each suite's reason, and nothing is stored: unlike a model,
 * a batch cannot be sampled again under another suite's protocol, so storing it would only keep a file no
 * board can score. Where no video suite exists at its resolution, the submission is kept with the usual
 * "no suite scores" warning, as image batches are.
 */
export function checkVideoBatchFits(
  manifest: Manifest,
  match: { available: unknown[]; unavailable: unknown[]; notApplicable: NotQueued[] },
): void {
  if (manifest.kind !== 'samples' || manifest.frames === undefined) return;
  if (match.available.length > 0 || match.unavailable.length > 0 || match.notApplicable.length === 0) return;
  const reasons = match.notApplicable.map((n) => `${n.suiteId} v${n.version}: ${n.message}`);
  const message = `no video suite can score this batch of ${manifest.frames}-frame videos at ${manifest.resolution}×${manifest.resolution}: ${reasons.join('; ')}`;
  badRequest(message, [{ path: 'manifest.frames', message }]);
}
