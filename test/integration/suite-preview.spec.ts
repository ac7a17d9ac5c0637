// POST /api/suites/preview: which suites a submission would go to, which it would skip and why, before any
// upload, with the same matching the submission itself runs. Nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDenoiserManifest } from '../../benchmarks/smoke/example-denoisers.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { getJson, startStack, type TestStack } from '../support/stack.js';

interface Preview {
  kind: string;
  resolution: number | null;
  task: string | null;
  suites: Array<{ id: string; version: number; outcome: 'queued' | 'unavailable' | 'not-applicable'; reason: string | null }>;
}

describe('POST /api/suites/preview', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const preview = async (body: unknown) => {
    const res = await fetch(`${stack.baseUrl}/api/suites/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Preview & { message?: string; issues?: Array<{ path: string }> } };
  };

  it('a 32px generator goes to smoke-32, anonymously, from the manifest as text or as an object', async () => {
    for (const manifest of [exampleManifest('p'), JSON.stringify(exampleManifest('p'))]) {
      const r = await preview({ manifest });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        kind: 'generator',
        resolution: 32,
        task: 'unconditional-generation',
        suites: [{ id: 'smoke-32', version: 1, outcome: 'queued', reason: null }],
      });
    }
  });

  it('a 64px generator matches imagenet-64-uncond, which this server lacks the files of: skipped, with what to download', async () => {
    const r = await preview({ manifest: { ...exampleManifest('p'), resolution: 64 } });
    expect(r.status).toBe(200);
    expect(r.body.suites.map((s) => [s.id, s.outcome])).toEqual([['imagenet-64-uncond', 'unavailable']]);
    expect(r.body.suites[0]!.reason).toMatch(/^suite imagenet-64-uncond v\d+ cannot run here/);
    expect(r.body.suites[0]!.reason).toContain('VIRTUAL_imagenet64_labeled.npz');
    // The FID Inception is made, not downloaded: the reason names the command (and no server path).
    expect(r.body.suites[0]!.reason).toContain(
      'inception-2015-12-05.onnx missing: download https://openaipublic.blob.core.windows.net/diffusion/jul-2021/ref_batches/classify_image_graph_def.pb and convert it with `genbench export-inception --pb classify_image_graph_def.pb --out $GENBENCH_MODELS_DIR/inception-2015-12-05.onnx`',
    );
  });

  it("a class-conditional denoiser without null_class: the guided suite is not applicable (its sampler's reason), the other unavailable", async () => {
    const manifest = exampleDenoiserManifest('p', { resolution: 256, classes: 1000, inputs: { x: 'x_t', t: 't', class: 'y' } });
    const r = await preview({ manifest });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const byId = Object.fromEntries(r.body.suites.map((s) => [s.id, s]));
    expect(byId['imagenet-256-cond-ddpm-250-cfg-1-5']).toMatchObject({ outcome: 'not-applicable' });
    expect(byId['imagenet-256-cond-ddpm-250-cfg-1-5']!.reason).toMatch(/classifier-free guidance .* null_class/);
    expect(byId['imagenet-256-cond-ddpm-250']).toMatchObject({ outcome: 'unavailable' });
    // ADM-G's board samples with learned variances and a classifier, which this manifest declares neither of.
    expect(byId['imagenet-256-cond-adm-g-250']).toMatchObject({ outcome: 'not-applicable' });
    expect(byId['imagenet-256-cond-adm-g-250']!.reason).toMatch(/respaced "250".*classifier scale 1\).*learned variances/);
  });

  it('refuses a bad manifest or body with 400 naming the field, and stores nothing', async () => {
    const bad = await preview({ manifest: { ...exampleManifest('p'), noise_dim: 'sixty-four' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path)).toContain('manifest.noise_dim');
    const notJson = await preview({ manifest: '{"name": ' });
    expect(notJson.status).toBe(400);
    const noManifest = await preview({ manifesto: {} });
    expect(noManifest.status).toBe(400);
    expect((await getJson(stack, `/api/models?owner=${stack.owner}`)).total).toBe(0);
  });
});
