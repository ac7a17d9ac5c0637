import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildAllocatingGenerator, buildScaledGenerator } from '../support/onnx-models/submission-check-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, type TestStack, startStack } from '../support/stack.js';
import { storedFiles, submit, uploadLeftovers } from '../support/submissions.js';

const gen = (seed: number) => buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed });

/** Issue #13.5 and #12.6: what the submission checks refuse, as 400s naming the field, and what they warn about. */
describe('submission checks', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function nothingStored(): Promise<void> {
    expect((await getJson(stack, `/api/models?owner=${stack.owner}`, stack.adminToken)).total).toBe(0);
    expect(await storedFiles(stack)).toEqual([]);
    expect(await uploadLeftovers(stack)).toEqual([]);
  }

  it('refuses NUL and lone surrogates in any manifest string with a 400 naming the field (PostgreSQL cannot store them)', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...exampleManifest('nul'), description: 'a\u0000b' }, 'manifest.description'],
      [{ ...exampleManifest('lone'), description: 'broken \ud800 text' }, 'manifest.description'],
      [{ ...exampleManifest('tensor'), inputs: { noise: 'z\u0000' } }, 'manifest.inputs.noise'],
      [{ ...exampleManifest('out'), outputs: { images: '\udc00images' } }, 'manifest.outputs.images'],
      [{ ...exampleManifest('x'), name: 'tiny\u0000gan' }, 'manifest.name'],
    ];
    for (const [manifest, path] of cases) {
      // JSON.stringify writes them as the escapes \u0000 and \ud800, as any client would.
      const r = await submit(stack, stack.submitterToken, { file: gen(1), manifest: JSON.stringify(manifest) });
      expect(r.status, path).toBe(400);
      expect(r.body.issues.map((i: any) => i.path)).toContain(path);
      expect(r.body.message).toMatch(/NUL character|lone UTF-16 surrogate/);
    }
    await nothingStored();
  });

  it("reports a failure inside the graph during the dry run as the model's, under file", async () => {
    const bytes = buildAllocatingGenerator({ noiseDim: 64, resolution: 32, elements: 1n << 50n });
    const r = await submit(stack, stack.submitterToken, { file: bytes, manifest: exampleManifest('allocates') });
    expect(r.status).toBe(400);
    expect(r.body.issues).toEqual([{ path: 'file', message: r.body.message }]);
    expect(r.body.message).toMatch(/^the model failed while running a dry run on a batch of 2 \(noise \[2, 64\]\): .*allocate/);
    await nothingStored();
  });

  it('refuses a generator whose images fall far outside its declared output_range, saying the rule', async () => {
    const bytes = buildScaledGenerator({ noiseDim: 64, resolution: 32, scale: 255, offset: 0 });
    const r = await submit(stack, stack.submitterToken, { file: bytes, manifest: exampleManifest('pixels-255') });
    expect(r.status).toBe(400);
    expect(r.body.issues[0].path).toBe('manifest.output_range');
    expect(r.body.message).toMatch(/declared output_range \[-1, 1\]: .* lie beyond \[-1\.2, 1\.2\]/);
    expect(r.body.message).toContain("more than 1% of its values lie beyond its range by more than 10% of the range's width");
    await nothingStored();
  });

  it('lists the allowed values when output_range is wrong', async () => {
    const r = await submit(stack, stack.submitterToken, {
      file: gen(1),
      manifest: { ...exampleManifest('range'), output_range: [0, 255] },
    });
    expect(r.status).toBe(400);
    expect(r.body.issues).toContainEqual({ path: 'manifest.output_range', message: 'expected [-1, 1] or [0, 1]' });
  });

  it('says at submission when only unavailable suites could score it, without server paths', async () => {
    // 64×64 unconditional generators are scored by imagenet-64-uncond only, whose reference batch is absent here.
    const bytes = buildTinyGenerator({ noiseDim: 16, resolution: 64, classes: 0, seed: 1, hidden: 8 });
    const manifest = { ...exampleManifest(`${stack.owner}-in64`), resolution: 64, noise_dim: 16 };
    const r = await submit(stack, stack.submitterToken, { file: bytes, manifest });
    expect(r.status).toBe(201);
    expect(r.body.evaluations).toEqual([]);
    const headline = r.body.warnings[0] as string;
    expect(headline).toMatch(
      /^no suite can score this submission on this server yet: imagenet-64-uncond v\d+ matches it but is unavailable here/,
    );
    expect(headline).not.toMatch(/\//);
  });
});
