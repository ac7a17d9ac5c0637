import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLearnedVarianceDenoiser, buildLinearClassifier } from '../support/onnx-models/adm-test-models.js';
import { type TestStack, startStack } from '../support/stack.js';

/** POST /api/models with the classifier of a classifier-guided denoiser as the multipart part "classifier". */
async function submit(stack: TestStack, parts: { file: Uint8Array; classifier?: Uint8Array; manifest: unknown }) {
  const form = new FormData();
  form.append('file', new Blob([parts.file]), 'model.onnx');
  if (parts.classifier) form.append('classifier', new Blob([parts.classifier]), 'classifier.onnx');
  form.append('manifest', JSON.stringify(parts.manifest));
  const res = await fetch(`${stack.baseUrl}/api/models`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${stack.submitterToken}` },
  });
  return { status: res.status, body: (await res.json()) as any };
}

const SHAPE = [3, 8, 8] as const;
const manifest = (name: string, guided = true) => ({
  name,
  kind: 'denoiser',
  resolution: 8,
  classes: 4,
  channels: 3,
  inputs: { x: 'x_t', t: 't', class: 'y' },
  outputs: { prediction: 'out' },
  prediction: 'eps',
  schedule: { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 },
  time_input: 'index',
  output_range: [-1, 1],
  variance: 'learned-range',
  ...(guided ? { classifier: { inputs: { x: 'x', t: 't', class: 'y' }, outputs: { gradient: 'grad' } } } : {}),
});

/** A classifier-guided ADM-style denoiser at submission: the classifier file is required, dry-run and stored. */
describe('classifier-guided denoiser submissions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });
  const denoiser = buildLearnedVarianceDenoiser({ shape: SHAPE, classes: 4, k: 0.3, v0: 0 });

  it('stores the classifier beside the denoiser after a dry run of both', async () => {
    const classifier = buildLinearClassifier({ shape: SHAPE, a: -0.5, b: 0.1 });
    const r = await submit(stack, { file: denoiser, classifier, manifest: manifest('adm-g') });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.version.extraArtifacts).toEqual([
      { role: 'classifier', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: classifier.length },
    ]);
  });

  it('answers 400 for a missing, stray or mis-shaped classifier, storing nothing', async () => {
    const before = await readdir(stack.config.artifactDir, { recursive: true }).catch(() => []);
    const missing = await submit(stack, { file: denoiser, manifest: manifest('no-classifier') });
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([{ path: 'classifier', message: 'required' }]);

    const classifier = buildLinearClassifier({ shape: SHAPE, a: -0.5, b: 0.1 });
    const stray = await submit(stack, { file: denoiser, classifier, manifest: manifest('stray-classifier', false) });
    expect(stray.status).toBe(400);
    expect(stray.body.issues).toEqual([{ path: 'classifier', message: 'unexpected' }]);

    const wrong = buildLinearClassifier({ shape: SHAPE, a: -0.5, b: 0.1, declaredShape: [3, 16, 16] });
    const misShaped = await submit(stack, { file: denoiser, classifier: wrong, manifest: manifest('mis-shaped-classifier') });
    expect(misShaped.status).toBe(400);
    expect(misShaped.body.message).toBe(
      'the classifier\'s input "x" is declared [batch, 3, 16, 16], but the sampler feeds it x_t of shape [2, 3, 8, 8]',
    );
    expect(misShaped.body.issues[0].path).toBe('manifest.classifier.inputs.x');

    const notOnnx = await submit(stack, {
      file: denoiser,
      classifier: new TextEncoder().encode('not a model'),
      manifest: manifest('junk-classifier'),
    });
    expect(notOnnx.status).toBe(400);
    expect(notOnnx.body.issues[0].path).toBe('classifier');
    expect(notOnnx.body.message).toMatch(/could not load the classifier as an ONNX model/);

    expect(await readdir(stack.config.artifactDir, { recursive: true }).catch(() => [])).toEqual(before);
    expect(await readdir(stack.config.uploadTmpDir)).toEqual([]);
  });
});
