import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExampleSegmentationModels } from '../../benchmarks/segmentation/example-models.js';
import { exampleDenoiserManifest } from '../../benchmarks/smoke/example-denoisers.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildGaussianDenoiser, buildLatentDecoder } from '../../runner/src/onnx/models/gaussian-denoiser.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, startStack, type TestStack } from '../support/stack.js';
import { launchBrowser, openPage } from './browser.js';

const SHOTS = join('test-results', 'newcomer');
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const withToken = (page: Page, token: string) => page.addInitScript(`localStorage.setItem('genbench.token', ${JSON.stringify(token)})`);

/** The page is no wider than the 1400 px window: nothing scrolls sideways. */
const pageWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

async function submit(stack: TestStack, file: Uint8Array, manifest: unknown, visibility: 'public' | 'private' = 'public') {
  const form = new FormData();
  form.append('file', new Blob([file]), 'model.onnx');
  form.append('manifest', JSON.stringify(manifest));
  form.append('visibility', visibility);
  const res = await fetch(`${stack.baseUrl}/api/models`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${stack.submitterToken}` },
  });
  const body = (await res.json()) as { model: { id: string }; evaluations: Array<{ id: string }> };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

/**
 * What a newcomer trips over on the dashboard (issue #12 points 5 and 6): which suites this server cannot run
 * and why (leaderboard, suites, suite page, submit page), a submission's decoder, a private model's page,
 * dates with their time zone, compare labels that never overlap, a protocol filter from a link, private rows
 * marked for their owner, an empty compare, no internal keys, nothing scrolling sideways at 1400 px.
 */
describe('dashboard for a newcomer', () => {
  let stack: TestStack;
  let browser: Browser;
  let privateModelId: string;
  let comparedIds: string[];
  let segmentationEvaluationId: string;
  const long = (n: number) => `${stack.owner}-a-generator-with-a-rather-long-descriptive-name-${n}`;

  beforeAll(async () => {
    stack = await startStack({ runners: 1 });
    browser = await launchBrowser();
    await mkdir(SHOTS, { recursive: true });
    const submitted = await Promise.all([
      submit(stack, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 1 }), exampleManifest(long(1))),
      submit(stack, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 2, quality: 0.5 }), exampleManifest(long(2))),
      submit(
        stack,
        buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 3, quality: 0.2 }),
        exampleManifest(long(3)),
        'private',
      ),
    ]);
    privateModelId = submitted[2]!.model.id;
    comparedIds = submitted.map((s) => s.evaluations[0]!.id);
    const [segmenter] = await writeExampleSegmentationModels(join(stack.dataDir, 'seg'));
    const segManifest = { ...(JSON.parse(await readFile(segmenter!.manifestPath, 'utf8')) as object), name: `${stack.owner}-segmenter` };
    const seg = await submit(stack, await readFile(segmenter!.modelPath), segManifest);
    segmentationEvaluationId = seg.evaluations[0]!.id;
    // With the owner's token: one of them is private.
    for (const id of [...comparedIds, ...seg.evaluations.map((e) => e.id)]) {
      let status = '';
      for (const deadline = Date.now() + 180_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
        status = ((await getJson(stack, `/api/evaluations/${id}`, stack.submitterToken)) as { status: string }).status;
        if (status !== 'queued' && status !== 'running') break;
      }
      expect(status, id).toBe('succeeded');
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('says which suites this server cannot run, and what to download: leaderboard, suites list, suite page', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/leaderboards`);
    const unscored = page.getByTestId('leaderboard-unscored');
    await unscored.waitFor();
    const chip = (id: string) => unscored.locator(`[data-testid="unscored-suite"][data-suite="${id}"]`);
    await expect.poll(() => chip('imagenet-64-uncond').getAttribute('data-available')).toBe('false');
    expect(await chip('smoke-32-samples').getAttribute('data-available')).toBe('true');
    expect(await unscored.getByTestId('unscored-unavailable-title').innerText()).toContain('not available on this server');
    await chip('imagenet-64-uncond').hover();
    await expect.poll(() => page.getByRole('tooltip').innerText()).toContain('VIRTUAL_imagenet64_labeled.npz');
    await shot(page, 'leaderboard-unscored');

    await page.goto(`${stack.baseUrl}/#/suites`);
    const row = (id: string) => page.locator(`[data-testid="suite-row"][data-id="${id}"]`).getByTestId('suite-availability');
    await row('smoke-32').waitFor();
    expect(await row('smoke-32').getAttribute('data-available')).toBe('true');
    expect(await row('imagenet-256-cond').getAttribute('data-available')).toBe('false');
    expect(await pageWidth(page)).toBeLessThanOrEqual(1400);
    await shot(page, 'suites');

    await page.goto(`${stack.baseUrl}/#/suites/imagenet-256-cond/show`);
    const alert = page.getByTestId('suite-unavailable');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/suite imagenet-256-cond v\d+ cannot run here/);
    const steps = await alert.getByTestId('suite-unavailable-step').allInnerTexts();
    expect(steps.some((s) => s.includes('VIRTUAL_imagenet256_labeled.npz'))).toBe(true);
    expect(steps.some((s) => s.includes('inception-2015-12-05.onnx'))).toBe(true);
    // Dates name their time zone (Chromium here runs in the machine's zone; its short name ends the date).
    expect(await page.getByTestId('suite-version').first().innerText()).toMatch(
      /registered \d{4}-\d\d-\d\d \d\d:\d\d [A-Z][A-Za-z0-9+:-]+/,
    );
    expect(await pageWidth(page)).toBeLessThanOrEqual(1400);
    await shot(page, 'suite-unavailable');

    await page.goto(`${stack.baseUrl}/#/suites/smoke-32/show`);
    await page.getByTestId('suite-availability').waitFor();
    expect(await page.getByTestId('suite-availability').getAttribute('data-available')).toBe('true');
    expect(await page.getByTestId('suite-unavailable').count()).toBe(0);
    expect(await pageWidth(page)).toBeLessThanOrEqual(1400);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the submit page previews where a submission goes (and what it skips, why), and sends a latent denoiser its decoder', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/submit`);
    const rows = page.getByTestId('suite-preview-row');
    await expect
      .poll(() => rows.evaluateAll((r) => r.map((e) => `${e.dataset.suite}:${e.dataset.outcome}`)), { timeout: 20_000 })
      .toEqual(['smoke-32:queued']);

    const manifest = page.getByTestId('manifest-input');
    await manifest.fill(JSON.stringify({ ...exampleManifest('x'), resolution: 64 }, null, 2));
    await expect
      .poll(() => rows.evaluateAll((r) => r.map((e) => `${e.dataset.suite}:${e.dataset.outcome}`)), { timeout: 20_000 })
      .toEqual(['imagenet-64-uncond:unavailable']);
    expect(await page.getByTestId('suite-preview-none').innerText()).toContain('stored but not scored');
    await shot(page, 'submit-preview-unavailable');

    // A latent flow model: the decoder input appears, and the decoder goes with the upload.
    const shape: [number, number, number] = [4, 8, 8];
    const dir = join(stack.dataDir, 'latent');
    await mkdir(dir, { recursive: true });
    const denoiserPath = join(dir, 'denoiser.onnx');
    const decoderPath = join(dir, 'decoder.onnx');
    const mean = Float32Array.from({ length: 256 }, (_, i) => 0.5 * Math.sin(i * 0.05));
    await writeFile(
      denoiserPath,
      buildGaussianDenoiser({ schedule: { kind: 'linear-interpolant' }, timeInput: 't', prediction: 'velocity', shape, mean, std: 0.5 }),
    );
    const decoderBytes = buildLatentDecoder({ latentShape: shape, resolution: 32, seed: 4 });
    await writeFile(decoderPath, decoderBytes);
    const latentManifest = exampleDenoiserManifest(`${stack.owner}-latent`, {
      prediction: 'velocity',
      schedule: { kind: 'linear-interpolant' },
      time_input: 't',
      latent: { shape, scale_factor: 0.5, decoder: { inputs: { latent: 'z' }, outputs: { images: 'images' } } },
    });
    expect(await page.getByTestId('decoder-field').count()).toBe(0);
    await manifest.fill(JSON.stringify(latentManifest, null, 2));
    await page.getByTestId('decoder-field').waitFor();
    await page.getByLabel('API token').fill(stack.submitterToken);
    await page.getByTestId('file-field').locator('input[type=file]').setInputFiles(denoiserPath);
    await page.getByTestId('decoder-field').locator('input[type=file]').setInputFiles(decoderPath);
    await page.getByTestId('submit-button').click();
    await page.getByTestId('submitted-evaluation').first().waitFor();
    const models = await getJson(stack, `/api/models?owner=${stack.owner}&kind=denoiser`, stack.submitterToken);
    const model = await getJson(stack, `/api/models/${models.items[0].id}`, stack.submitterToken);
    expect(model.versions[0].extraArtifacts).toEqual([{ role: 'decoder', sha256: expect.any(String), size: decoderBytes.length }]);
    await shot(page, 'submit-latent');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a private model is "not found or private" to others, and marked private on its owner\'s board', async () => {
    const anonymous = await openPage(browser, [/status of 404/]);
    await anonymous.page.goto(`${stack.baseUrl}/#/models/${privateModelId}/show`);
    const notice = anonymous.page.getByTestId('not-found-or-private');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('not found, or it is private');
    // It stays on the page it was asked for, without a toast.
    expect(anonymous.page.url()).toContain(`/models/${privateModelId}/show`);
    expect(await anonymous.page.locator('.MuiSnackbar-root').count()).toBe(0);
    await shot(anonymous.page, 'model-private-anonymous');
    expect(anonymous.problems).toEqual([]);
    await anonymous.page.close();

    const { page, problems } = await openPage(browser);
    await withToken(page, stack.submitterToken);
    await page.goto(`${stack.baseUrl}/#/leaderboards?filter=${encodeURIComponent(JSON.stringify({ suite: 'smoke-32' }))}`);
    const mine = page.getByTestId('leaderboard-row').filter({ hasText: long(3) });
    await mine.waitFor();
    expect(await mine.getByTestId('leaderboard-private').count()).toBe(1);
    const publicRow = page.getByTestId('leaderboard-row').filter({ hasText: long(1) });
    expect(await publicRow.getByTestId('leaderboard-private').count()).toBe(0);
    // Dates name their time zone.
    expect(
      await mine
        .locator('td')
        .last()
        .evaluate((td) => td.previousElementSibling?.textContent ?? ''),
    ).toMatch(/\d\d:\d\d [A-Z][A-Za-z0-9+:-]+/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('compare: long names never overlap (full name on hover), and an empty compare says so', async () => {
    const { page, problems } = await openPage(browser);
    await withToken(page, stack.submitterToken);
    await page.goto(
      `${stack.baseUrl}/#/leaderboards/compare?${String(new URLSearchParams({ suite: 'smoke-32', evaluations: comparedIds.join(',') }))}`,
    );
    await page.getByTestId('compare-charts').waitFor();
    const labels = page.getByTestId('compare-charts').getByTestId('compare-chart-label');
    await expect.poll(() => labels.count()).toBe(3);
    const boxes = await labels.evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, full: e.getAttribute('data-full'), text: e.textContent };
      }),
    );
    for (let i = 0; i + 1 < boxes.length; i++) {
      const [a, b] = [boxes[i]!, boxes[i + 1]!];
      const overlap = a.right > b.left && b.right > a.left && a.bottom > b.top && b.bottom > a.top;
      expect(overlap, JSON.stringify([a, b])).toBe(false);
    }
    expect(boxes.map((b) => b.full)).toEqual(expect.arrayContaining([`${long(1)} v1`, `${long(2)} v1`, `${long(3)} v1`]));
    // Abbreviated (the start they share left out), so the names, which differ only at the end, stay apart.
    for (const b of boxes) {
      expect(b.text).toContain('…');
      expect(b.full!.endsWith(b.text!.split('…').at(-1)!)).toBe(true);
    }
    expect(new Set(boxes.map((b) => b.text)).size).toBe(3);
    await shot(page, 'compare-long-names');

    await page.goto(`${stack.baseUrl}/#/leaderboards/compare`);
    const empty = page.getByTestId('compare-empty');
    await empty.waitFor();
    expect(await empty.innerText()).toContain('Nothing to compare yet');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Compare');
    expect(problems).toEqual([]);
    await page.close();

    // Another reader cannot see the private one: the link then holds fewer than two scores it may see.
    const anonymous = await openPage(browser);
    await anonymous.page.goto(
      `${stack.baseUrl}/#/leaderboards/compare?${String(new URLSearchParams({ suite: 'smoke-32', evaluations: [comparedIds[0], comparedIds[2]].join(',') }))}`,
    );
    await anonymous.page.getByTestId('compare-empty').waitFor();
    expect(await anonymous.page.getByTestId('compare-empty').innerText()).toContain(
      '1 of the 2 scores in this link were not found, or are private',
    );
    expect(anonymous.problems).toEqual([]);
    await anonymous.page.close();
  });

  it('restores the protocol filter from a link; a segmentation evaluation page fits 1400 px and names no internal keys', async () => {
    const { page, problems } = await openPage(browser);
    const filter = encodeURIComponent(JSON.stringify({ protocol: 'per-image-hungarian' }));
    await page.goto(`${stack.baseUrl}/#/leaderboards?filter=${filter}`);
    await page.getByTestId('leaderboard-smoke-seg-per-image').waitFor();
    await expect.poll(() => page.locator('input[name="protocol"]').inputValue()).toBe('per-image-hungarian');
    expect(await page.getByTestId('leaderboard-smoke-seg-dataset').count()).toBe(0);

    await page.goto(`${stack.baseUrl}/#/evaluations/${segmentationEvaluationId}/show`);
    await page.getByTestId('provenance').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(1400);
    await shot(page, 'segmentation-evaluation');

    await page.goto(`${stack.baseUrl}/#/evaluations/${comparedIds[0]}/show`);
    const durations = page.getByTestId('provenance-durations');
    await durations.waitFor();
    const text = await durations.innerText();
    expect(text).toContain('sampling and features');
    expect(text).not.toMatch(/samplesAndFeatures|[a-z][A-Z]/);
    expect(await page.locator('body').innerText()).not.toContain('samplesAndFeatures');
    expect(problems).toEqual([]);
    await page.close();
  });
});
