import sharp from 'sharp';
import type { TestStack } from './stack.js';

/**
 * Plays the runner through the runner API (claim, result, sample grid, kept samples) with chosen numbers, for
 * tests that need scores in a known order (ties included) without running the suite: the API stores them
 * exactly as it stores a real runner's. `kept: n` keeps samples 0 … n−1 as 8×8 PNGs of a colour drawn from the
 * evaluation id and the index (so every model's sample differs), returned in index order.
 */
export async function scoreAs(
  stack: Pick<TestStack, 'baseUrl' | 'runnerToken'>,
  evaluationId: string,
  metrics: Record<string, number>,
  opts: { suite?: { id: string; version: number }; grid?: boolean; kept?: number } = {},
): Promise<Buffer[]> {
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
  const kept: Buffer[] = [];
  for (let index = 0; index < (opts.kept ?? 0); index++) {
    const hue = parseInt(evaluationId.replace(/-/g, '').slice(0, 6), 16);
    const rgb = { r: (hue + index * 37) % 256, g: (hue >> 8) % 256, b: (hue >> 16) % 256 };
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: rgb } })
      .png()
      .toBuffer();
    const put = await fetch(`${stack.baseUrl}/api/runner/evaluations/${evaluationId}/sample-images`, {
      method: 'PUT',
      body: png,
      headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'image/png' },
    });
    if (put.status !== 200) throw new Error(`kept sample ${index} of ${evaluationId}: ${put.status} ${await put.text()}`);
    const { sha256 } = (await put.json()) as { sha256: string };
    const rec = await fetch(`${stack.baseUrl}/api/runner/evaluations/${evaluationId}/samples`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ samples: [{ index, sha256, condition: {} }] }),
    });
    if (rec.status !== 200 && rec.status !== 201)
      throw new Error(`recording sample ${index} of ${evaluationId}: ${rec.status} ${await rec.text()}`);
    kept.push(png);
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
  return kept;
}
