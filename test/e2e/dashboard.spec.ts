import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, startStack, submitModel, type TestStack } from '../support/stack.js';
import { buildDashboard, launchBrowser, openPage } from './browser.js';

/**
 * The dashboard in a real Chromium against a real stack: submit through the form (rejections shown by
 * the field they concern, then live progress until the score), rank, sort via the URL, compare.
 * The stack starts without runners so the test can watch an evaluation wait, then run.
 */
describe('dashboard', () => {
  let stack: TestStack;
  let browser: Browser;
  let goodPath: string;
  let garbagePath: string;
  let noisyBytes: Uint8Array;

  beforeAll(async () => {
    await buildDashboard();
    stack = await startStack({ runners: 0 });
    browser = await launchBrowser();
    const dir = join(stack.dataDir, 'e2e-models');
    await mkdir(dir, { recursive: true });
    goodPath = join(dir, 'good.onnx');
    garbagePath = join(dir, 'garbage.onnx');
    await writeFile(goodPath, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 1 }));
    await writeFile(garbagePath, 'this is not an onnx model at all');
    noisyBytes = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 3, quality: 0 });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows each rejection next to the input it concerns and stores nothing', async () => {
    const { page, problems } = await openPage(browser, [/status of 400/]);
    await page.goto(`${stack.baseUrl}/#/submit`);
    await page.getByLabel('Submitter token').fill(stack.submitterToken);
    await page.locator('input[type=file]').setInputFiles(goodPath);
    const manifest = page.getByTestId('manifest-input');
    await manifest.fill(JSON.stringify({ ...exampleManifest(`${stack.owner}-bad`), noise_dim: 'sixty-four' }, null, 2));
    await page.getByTestId('submit-button').click();

    const manifestIssue = page.getByTestId('manifest-issues').getByTestId('issue');
    await manifestIssue.waitFor();
    expect(await manifestIssue.getAttribute('data-path')).toBe('manifest.noise_dim');
    expect(await manifestIssue.innerText()).toContain('manifest.noise_dim');
    expect(await page.getByTestId('file-issues').count()).toBe(0);
    // The form keeps what was typed, so the submitter fixes the field rather than starting over.
    expect(await manifest.inputValue()).toContain('sixty-four');

    await page.locator('input[type=file]').setInputFiles(garbagePath);
    await manifest.fill(JSON.stringify(exampleManifest(`${stack.owner}-bad`), null, 2));
    await page.getByTestId('submit-button').click();
    const fileIssue = page.getByTestId('file-issues').getByTestId('issue');
    await fileIssue.waitFor();
    expect(await fileIssue.innerText()).toMatch(/could not load the file as an ONNX model/);
    expect(await page.getByTestId('manifest-issues').count()).toBe(0);

    expect((await getJson(stack, `/api/models?owner=${stack.owner}`)).total).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows a submission from queued to its score, ranks it, sorts via the URL and compares', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/submit`);
    await page.getByLabel('Submitter token').fill(stack.submitterToken);
    await page.locator('input[type=file]').setInputFiles(goodPath);
    await page.getByTestId('manifest-input').fill(JSON.stringify(exampleManifest(`${stack.owner}-good`), null, 2));
    await page.getByTestId('submit-button').click();

    const evaluation = page.getByTestId('submitted-evaluation');
    await evaluation.waitFor();
    expect(await evaluation.getAttribute('data-status')).toBe('queued');
    expect(await evaluation.innerText()).toContain('waiting for a runner');

    stack.startRunner();
    const score = evaluation.getByTestId('evaluation-score');
    await score.waitFor({ timeout: 90_000 });
    const goodFid = Number(await score.getAttribute('data-value'));
    expect(Number.isFinite(goodFid)).toBe(true);
    expect(await evaluation.getAttribute('data-status')).toBe('succeeded');
    expect(await page.evaluate("localStorage.getItem('genbench.token')")).toBe(stack.submitterToken);

    // A second, worse model through the API; the leaderboard must rank it below the first.
    const noisy = await submitModel(stack, stack.submitterToken, noisyBytes, exampleManifest(`${stack.owner}-noisy`));
    expect(noisy.status, JSON.stringify(noisy.body)).toBe(201);
    await expect
      .poll(async () => (await getJson(stack, `/api/evaluations/${noisy.body.evaluations[0].id}`)).status, {
        timeout: 90_000,
        interval: 200,
      })
      .toBe('succeeded');

    await page.getByRole('menuitem', { name: 'Leaderboard' }).click();
    const table = page.getByTestId('leaderboard-table-smoke-32');
    await table.waitFor();
    const mine = table.getByTestId('leaderboard-row').filter({ hasText: stack.owner });
    await expect.poll(() => mine.count()).toBe(2);
    const names = () => mine.getByTestId('leaderboard-model-link').allInnerTexts();
    expect(await names()).toEqual([`${stack.owner}-good v1`, `${stack.owner}-noisy v1`]);

    // Sort order lives in the URL: a reload of the same address shows the same order.
    const fidHeader = table.locator('thead [data-field="metrics.fid"]');
    await fidHeader.click();
    await expect.poll(() => page.url()).toContain('sort=metrics.fid');
    await fidHeader.click();
    await expect.poll(() => page.url()).toContain('order=DESC');
    await expect.poll(names).toEqual([`${stack.owner}-noisy v1`, `${stack.owner}-good v1`]);
    await page.reload();
    await table.waitFor();
    await expect.poll(names).toEqual([`${stack.owner}-noisy v1`, `${stack.owner}-good v1`]);

    for (const row of await mine.all()) await row.locator('input[type=checkbox]').check();
    await page.getByTestId('compare-button-smoke-32').click();
    const compare = page.getByTestId('compare-table');
    await compare.waitFor();
    const headers = await compare.getByTestId('compare-model').allInnerTexts();
    const goodColumn = headers.findIndex((h) => h.startsWith(`${stack.owner}-good`));
    expect(goodColumn).toBeGreaterThanOrEqual(0);
    const fidCells = page.getByTestId('compare-row-fid').locator('td');
    expect(await fidCells.nth(goodColumn).getAttribute('data-best')).toBe('true');
    expect(await fidCells.nth(1 - goodColumn).getAttribute('data-best')).toBe('false');

    await page.getByTestId('compare-charts').waitFor();

    // The compare view is a deep link too; from it, the model page shows the provenance.
    await page.reload();
    await compare.waitFor();
    await page.getByTestId('compare-charts').waitFor();
    await compare.getByRole('link', { name: `${stack.owner}-good v1` }).click();
    await page.getByTestId('model-name').waitFor();
    const provenance = page.getByTestId('provenance-summary');
    await provenance.waitFor();
    const text = await provenance.innerText();
    expect(text).toContain('suite smoke-32 v1');
    expect(text).toMatch(/onnxruntime 1\.\d+/);
    expect(text).toContain('EP cpu');
    expect(text).toContain('seed 0');

    expect(problems).toEqual([]);
    await page.close();
  });
});
