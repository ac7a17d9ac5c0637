import sharp from 'sharp';
import type { TestStack } from './stack.js';

/**
 * Plays the runner through the runner API (claim, result, sample grid) with chosen numbers, for tests that
 * need scores in a known order (ties included) without running the suite: the API stores them exactly as
 * it stores a real runner's.
 */
export async function scoreAs(
  stack: Pick<TestStack, 'baseUrl' | 'runnerToken'>,
  evaluationId: string,
  metrics: Record<string, number>,
  opts: { suite?: { id: string; version: number }; grid?: boolean } = {},
): Promise<void> {
  const headers = { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'application/json' };
  const claim = await fetch(`${stack.baseUrl}/api/runner/evaluations/${evaluationId}/claim`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ runnerId: 'manual' }),
  });
  if (claim.status !== 200) throw new Error(`claim ${evaluationId}: ${claim.status} ${await claim.text()}`);
  const { attempt } = (await claim.json()) as { attempt?: number };
  if (opts.grid) {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#345678' } })
      .png()
      .toBuffer();
    const put = await fetch(`${stack.baseUrl}/api/runner/evaluations/${evaluationId}/sample-grid`, {
      method: 'PUT',
      body: png,
      headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'image/png' },
    });
    if (put.status !== 200) throw new Error(`sample grid of ${evaluationId}: ${put.status} ${await put.text()}`);
  }
  const provenance = {
    runnerId: 'manual',
    runnerVersion: 'test',
    onnxruntimeVersion: 'test',
    executionProvider: 'cpu',
    hardware: 'test',
    node: process.version,
    seed: 0,
    suite: opts.suite ?? { id: 'smoke-32', version: 1 },
    protocol: {},
  };
  const res = await fetch(`${stack.baseUrl}/api/runner/evaluations/${evaluationId}/result`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ attempt: attempt ?? 1, metrics: Object.entries(metrics).map(([id, value]) => ({ id, value })), provenance }),
  });
  if (res.status !== 200) throw new Error(`result of ${evaluationId}: ${res.status} ${await res.text()}`);
}
