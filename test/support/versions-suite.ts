import { expect } from 'vitest';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { defineSuite } from '../../contracts/suites/suite.schemas.js';
import { scoreAs } from './manual-runner.js';
import type { TestStack } from './stack.js';

/**
 * A board of its own for the one-entry-per-model tests: no bundled suite has this resolution, so only these
 * models are queued on it, and ranks and totals on it are exactly a test's own. Each test file takes its
 * own resolution (the integration and browser tests may share a database).
 */
export function versionsSuite(resolution: number) {
  return defineSuite({
    id: `test-versions-${resolution}`,
    version: 1,
    title: 'Test: one entry per model',
    description: 'registered by the leaderboard-versions tests only',
    task: 'unconditional-generation',
    resolution,
    kinds: ['generator'],
    samples: 64,
    seed: 0,
    batch_size: 32,
    reference: { type: 'synthetic-shapes', n: 64, seed: 1 },
    extractor: { type: 'builtin-tiny-conv', seed: 7, input_size: resolution, normalization: 'minus-one-one' },
    metrics: ['fid'],
    primary: 'fid',
    time_limit_s: 60,
  });
}

export const versionsManifest = (name: string, resolution: number) => ({
  name,
  kind: 'generator' as const,
  resolution,
  classes: 0,
  inputs: { noise: 'z' },
  outputs: { images: 'images' },
  noise_dim: 16,
  output_range: [-1, 1] as [-1, 1],
});

/**
 * Submits each planned version (a distinct tiny generator, so none is a duplicate) and scores it on the
 * suite through the runner API; `fid: null` leaves it queued (submitted, not scored yet).
 */
export async function submitVersions(
  stack: Pick<TestStack, 'baseUrl' | 'runnerToken'>,
  token: string,
  suite: ReturnType<typeof versionsSuite>,
  plan: ReadonlyArray<{ model: string; fid: number | null; private?: boolean }>,
  firstSeed: number,
): Promise<void> {
  let seed = firstSeed;
  for (const p of plan) {
    const form = new FormData();
    form.append('file', new Blob([buildTinyGenerator({ noiseDim: 16, resolution: suite.resolution, classes: 0, seed: seed++ })]), 'm.onnx');
    form.append('manifest', JSON.stringify(versionsManifest(p.model, suite.resolution)));
    form.append('visibility', p.private ? 'private' : 'public');
    const res = await fetch(`${stack.baseUrl}/api/models`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.evaluations.map((e: any) => e.suite.id)).toEqual([suite.id]);
    if (p.fid !== null) await scoreAs(stack, body.evaluations[0].id, { fid: p.fid }, { suite: { id: suite.id, version: 1 } });
  }
}
