// GET /api/suites/:id/prompts: a text-to-image suite's published prompt list (image i of a sample batch
// answers prompt i), the same list `genbench prompts` writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPrompts } from '../../runner/src/text/synthetic-prompts.js';
import { startStack, type TestStack } from '../support/stack.js';

describe('GET /api/suites/:id/prompts', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers the smoke text-to-image list anonymously, in the suite's order", async () => {
    const res = await fetch(`${stack.baseUrl}/api/suites/smoke-t2i-32/prompts`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { suite: string; version: number; count: number; prompts: string[] };
    expect(body).toMatchObject({ suite: 'smoke-t2i-32', version: 1, count: 224 });
    expect(body.prompts).toEqual(syntheticPrompts(0).map((p) => p.text));
  });

  it('is a 404 that says so for a suite without prompts and for an unknown suite', async () => {
    for (const id of ['smoke-32', 'no-such-suite']) {
      const res = await fetch(`${stack.baseUrl}/api/suites/${id}/prompts`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { message: string }).message).toBe(
        `suite "${id}" publishes no prompts (only text-to-image and text-to-video suites do)`,
      );
    }
  });
});
