import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, startStack, submitModel, type TestStack } from '../support/stack.js';
import { launchBrowser, openPage } from './browser.js';

/** Full-page screenshots of each page the tests visit, kept as artifacts (test-results/ is gitignored). */
const SHOTS = join('test-results', 'dashboard');
async function shot(page: Page, name: string): Promise<void> {
  // From the top: react-admin's app bar hides on scroll and would land mid-page in a full-page capture.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The dashboard reads its API token from localStorage before its first request. */
const withToken = (page: Page, token: string) => page.addInitScript(`localStorage.setItem('genbench.token', ${JSON.stringify(token)})`);

/**
 * The dashboard in a real Chromium against a real stack: submit through the form (rejections shown by
 * the field they concern, then live progress until the score), rank, sort via the URL, compare; the admin
 * page with an admin token, and without one. The tests run in any order (CI may shuffle them): each submits
 * as its own submitter, and the stack has no runner except while the submission test runs one, so
 * evaluations another test queues wait in the queue.
 */
describe('dashboard', () => {
  let stack: TestStack;
  let browser: Browser;
  let goodPath: string;
  let garbagePath: string;
  let noisyBytes: Uint8Array;

  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    browser = await launchBrowser();
    const dir = join(stack.dataDir, 'e2e-models');
    await mkdir(dir, { recursive: true });
    goodPath = join(dir, 'good.onnx');
    garbagePath = join(dir, 'garbage.onnx');
    await writeFile(goodPath, buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 1, quality: 1 }));
    await writeFile(garbagePath, 'this is not an onnx model at all');
    noisyBytes = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 3, quality: 0 });
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A submitter of this test's own, so no other test's models show among its rows. */
  async function newSubmitter(label: string): Promise<{ owner: string; token: string }> {
    const owner = `${stack.owner}-${label}`;
    return { owner, token: (await issueToken(stack.config, { name: `e2e ${label}`, role: 'submitter', owner })).secret };
  }

  it('shows each rejection next to the input it concerns and stores nothing', async () => {
    const { owner, token } = await newSubmitter('rejected');
    const { page, problems } = await openPage(browser, [/status of 400/]);
    await page.goto(`${stack.baseUrl}/#/submit`);
    await page.getByLabel('API token').fill(token);
    await page.locator('input[type=file]').setInputFiles(goodPath);
    const manifest = page.getByTestId('manifest-input');
    await manifest.fill(JSON.stringify({ ...exampleManifest(`${owner}-bad`), noise_dim: 'sixty-four' }, null, 2));
    await page.getByTestId('submit-button').click();

    const manifestIssue = page.getByTestId('manifest-issues').getByTestId('issue');
    await manifestIssue.waitFor();
    expect(await manifestIssue.getAttribute('data-path')).toBe('manifest.noise_dim');
    expect(await manifestIssue.innerText()).toContain('manifest.noise_dim');
    expect(await page.getByTestId('file-issues').count()).toBe(0);
    // The form keeps what was typed, so the submitter fixes the field rather than starting over.
    expect(await manifest.inputValue()).toContain('sixty-four');

    await page.locator('input[type=file]').setInputFiles(garbagePath);
    await manifest.fill(JSON.stringify(exampleManifest(`${owner}-bad`), null, 2));
    await page.getByTestId('submit-button').click();
    const fileIssue = page.getByTestId('file-issues').getByTestId('issue');
    await fileIssue.waitFor();
    expect(await fileIssue.innerText()).toMatch(/could not load the file as an ONNX model/);
    expect(await page.getByTestId('manifest-issues').count()).toBe(0);

    // The token was checked before the upload: whose it is shows under it.
    const identity = page.getByTestId('token-identity');
    expect(await identity.getAttribute('data-role')).toBe('submitter');
    expect(await identity.innerText()).toContain(owner);
    await shot(page, 'submit-rejected');

    expect((await getJson(stack, `/api/models?owner=${owner}`, stack.adminToken)).total).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('offers the admin page to an admin token only: cancel and retry queued work, schedules, tokens, reconciliation', async () => {
    // A model of this test's own submitter waits in the queue: no runner runs outside the submission test.
    const { owner: otherOwner, token: otherToken } = await newSubmitter('queued');
    const queued = await submitModel(stack, otherToken, noisyBytes, exampleManifest(`${otherOwner}-queued`));
    expect(queued.status, JSON.stringify(queued.body)).toBe(201);
    const evaluationId: string = queued.body.evaluations[0].id;

    // A submitter token: no Admin entry in the menu, and the URL says why instead of showing the page.
    const submitter = await openPage(browser);
    await withToken(submitter.page, stack.submitterToken);
    await submitter.page.goto(`${stack.baseUrl}/#/admin`);
    const forbidden = submitter.page.getByTestId('admin-forbidden');
    await forbidden.waitFor();
    expect(await forbidden.innerText()).toContain(`submitter token of ${stack.owner}`);
    await submitter.page.getByTestId('menu-submit').waitFor();
    expect(await submitter.page.getByTestId('menu-admin').count()).toBe(0);
    expect(await submitter.page.getByTestId('admin-page').count()).toBe(0);
    await shot(submitter.page, 'admin-forbidden');
    expect(submitter.problems).toEqual([]);
    await submitter.page.close();

    // The cron is rejected once on purpose (400).
    const { page, problems } = await openPage(browser, [/status of 400/]);
    await withToken(page, stack.adminToken);
    await page.goto(`${stack.baseUrl}/#/`);
    await page.getByTestId('menu-admin').click();
    await page.getByTestId('admin-page').waitFor();

    // Cancel the queued evaluation, queue it again, cancel it again: each time it moves between the tables.
    const active = page.locator(`[data-testid="admin-active-row"][data-id="${evaluationId}"]`);
    const ended = page.locator(`[data-testid="admin-ended-row"][data-id="${evaluationId}"]`);
    await active.waitFor();
    expect(await active.getAttribute('data-status')).toBe('queued');
    await active.getByTestId('cancel-evaluation').click();
    await ended.waitFor();
    expect(await ended.getAttribute('data-status')).toBe('cancelled');
    expect((await getJson(stack, `/api/evaluations/${evaluationId}`, stack.adminToken)).status).toBe('cancelled');
    await ended.getByTestId('retry-evaluation').click();
    await active.waitFor();
    expect((await getJson(stack, `/api/evaluations/${evaluationId}`, stack.adminToken)).status).toBe('queued');
    await active.getByTestId('cancel-evaluation').click();
    await ended.waitFor();
    expect((await getJson(stack, `/api/evaluations/${evaluationId}`, stack.adminToken)).status).toBe('cancelled');

    // A schedule: the API's rejection of the cron shows under the cron input, then the fixed one is created.
    const name = `e2e-${randomBytes(3).toString('hex')}`;
    await page.getByTestId('schedule-name').fill(name);
    await page.getByTestId('schedule-cron').fill('every night');
    await page.getByTestId('schedule-create').click();
    const cron = page.getByTestId('schedule-cron');
    await expect.poll(() => cron.getAttribute('aria-invalid')).toBe('true');
    const cronHelp = page.locator(`[id="${await cron.getAttribute('aria-describedby')}"]`);
    expect(await cronHelp.innerText()).toContain('"every night" is not a valid cron expression');
    // Not before next New Year's Day: the test must not fire it.
    await cron.fill('0 0 1 1 *');
    await page.getByTestId('schedule-timezone').fill('Europe/Paris');
    await page.getByTestId('schedule-create').click();
    const schedule = page.getByTestId('schedule-row').filter({ hasText: name });
    await schedule.waitFor();
    expect(await schedule.getAttribute('data-enabled')).toBe('true');
    const stored = (await getJson(stack, '/api/schedules', stack.adminToken)).find((s: { name: string }) => s.name === name);
    expect(stored).toMatchObject({ cron: '0 0 1 1 *', timezone: 'Europe/Paris', scope: 'all', enabled: true });
    await schedule.getByTestId('schedule-enabled').click();
    await expect.poll(() => schedule.getAttribute('data-enabled')).toBe('false');

    // A token: its secret is shown once, and it works.
    const tokens = page.getByTestId('admin-tokens');
    await tokens.getByLabel('Owner').fill(`${otherOwner}-2`);
    await tokens.getByLabel('Name').fill('e2e');
    await page.getByTestId('issue-token').click();
    const secret = await page.getByTestId('issued-token-secret').innerText();
    expect((await getJson(stack, '/api/auth/whoami', secret.trim())).owner).toBe(`${otherOwner}-2`);

    // It joins the token list; revoking it there (after a confirmation) makes it fail. The browser's own
    // admin token cannot be revoked from the page.
    const list = page.getByTestId('admin-token-list');
    const row = list.getByTestId('token-row').filter({ hasText: `${otherOwner}-2` });
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('active');
    expect(await list.getByTestId('token-row').filter({ hasText: '(this browser)' }).getByTestId('revoke-token').isDisabled()).toBe(true);
    await row.getByTestId('revoke-token').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    const whoami = await fetch(`${stack.baseUrl}/api/auth/whoami`, { headers: { authorization: `Bearer ${secret.trim()}` } });
    expect(whoami.status).toBe(401);
    await list.getByTestId('tokens-revoked').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('revoked');

    await page.getByTestId('reconcile').click();
    expect(await page.getByTestId('reconcile-report').innerText()).toMatch(/Checked \d+ queued or running/);
    await shot(page, 'admin');

    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows a submission from queued to its score, ranks it, sorts via the URL and compares', async () => {
    const { owner, token } = await newSubmitter('follow');
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/submit`);
    await page.getByLabel('API token').fill(token);
    await page.locator('input[type=file]').setInputFiles(goodPath);
    await page.getByTestId('manifest-input').fill(JSON.stringify(exampleManifest(`${owner}-good`), null, 2));
    await page.getByTestId('submit-button').click();

    const evaluation = page.getByTestId('submitted-evaluation');
    await evaluation.waitFor();
    expect(await evaluation.getAttribute('data-status')).toBe('queued');
    expect(await evaluation.innerText()).toContain('waiting for a runner');

    // The only runner of this file, and only while this test runs: the other tests' evaluations stay queued.
    const runner = stack.startRunner();
    onTestFinished(() => runner.stop({ force: true }));
    const score = evaluation.getByTestId('evaluation-score');
    await score.waitFor({ timeout: 90_000 });
    const goodFid = Number(await score.getAttribute('data-value'));
    expect(Number.isFinite(goodFid)).toBe(true);
    // Metrics and status are stored in one transaction and read in one snapshot, so the score never shows
    // beside 'running' (it once did, when the API read an evaluation's metrics after its row).
    expect(await evaluation.getAttribute('data-status')).toBe('succeeded');
    expect(await page.evaluate("localStorage.getItem('genbench.token')")).toBe(token);
    await shot(page, 'submit');

    // A second, worse model through the API; the leaderboard must rank it below the first.
    const noisy = await submitModel(stack, token, noisyBytes, exampleManifest(`${owner}-noisy`));
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
    const mine = table.getByTestId('leaderboard-row').filter({ hasText: owner });
    await expect.poll(() => mine.count()).toBe(2);
    const names = () => mine.getByTestId('leaderboard-model-link').allInnerTexts();
    expect(await names()).toEqual([`${owner}-good v1`, `${owner}-noisy v1`]);
    const board = (await getJson(stack, '/api/leaderboards?suite=smoke-32')).boards[0];
    expect(await page.getByTestId('leaderboard-smoke-32').getByTestId('board-total').innerText()).toContain(`${board.total} entr`);
    await shot(page, 'leaderboard');

    // Every entry as the server exports it, through the data provider (with the token) into a download.
    await page.getByTestId('export-menu').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toContain('suite,suite_version');
    expect(csv).toContain(`${owner}-good`);
    expect(csv).toContain(`${owner}-noisy`);

    // Sort order lives in the URL: a reload of the same address shows the same order.
    const fidHeader = table.locator('thead [data-field="metrics.fid"]');
    await fidHeader.click();
    await expect.poll(() => page.url()).toContain('sort=metrics.fid');
    // The first click sorts by FID in the column's first direction; one more click reverses it. Clicking
    // again only once the URL holds the first order keeps a slow render from swallowing the second click.
    await expect.poll(() => /order=(ASC|DESC)/.test(page.url())).toBe(true);
    if (!page.url().includes('order=DESC')) await fidHeader.click();
    await expect.poll(() => page.url()).toContain('order=DESC');
    await expect.poll(names).toEqual([`${owner}-noisy v1`, `${owner}-good v1`]);
    await page.reload();
    await table.waitFor();
    await expect.poll(names).toEqual([`${owner}-noisy v1`, `${owner}-good v1`]);

    const comparedIds = await mine.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    for (const row of await mine.all()) await row.locator('input[type=checkbox]').check();
    await page.getByTestId('compare-button-smoke-32').click();
    const compare = page.getByTestId('compare-table');
    await compare.waitFor();
    const headers = await compare.getByTestId('compare-model').allInnerTexts();
    const goodColumn = headers.findIndex((h) => h.startsWith(`${owner}-good`));
    expect(goodColumn).toBeGreaterThanOrEqual(0);
    const fidCells = page.getByTestId('compare-row-fid').locator('td');
    expect(await fidCells.nth(goodColumn).getAttribute('data-best')).toBe('true');
    expect(await fidCells.nth(1 - goodColumn).getAttribute('data-best')).toBe('false');

    await page.getByTestId('compare-charts').waitFor();

    // Sample grids side by side, for each evaluation the API has one for, loaded through the data provider.
    const compared = await Promise.all(comparedIds.map((id) => getJson(stack, `/api/evaluations/${id}`)));
    const withGrid = compared.filter((e) => e.sampleGrid).length;
    const grids = page.getByTestId('compare-samples').locator('img');
    await expect.poll(() => grids.count()).toBe(withGrid);
    for (const img of await grids.all())
      await expect
        .poll(() => img.evaluate((el: { complete: boolean; naturalWidth: number }) => (el.complete ? el.naturalWidth : 0)))
        .toBeGreaterThan(0);
    await shot(page, 'compare');

    // The compare view is a deep link too; from it, the model page shows the provenance.
    await page.reload();
    await compare.waitFor();
    await page.getByTestId('compare-charts').waitFor();
    await compare.getByRole('link', { name: `${owner}-good v1` }).click();
    await page.getByTestId('model-name').waitFor();
    const provenance = page.getByTestId('provenance-summary');
    await provenance.waitFor();
    const text = await provenance.innerText();
    expect(text).toContain('suite smoke-32 v1');
    expect(text).toMatch(/onnxruntime 1\.\d+/);
    expect(text).toContain('EP cpu');
    expect(text).toContain('seed 0');
    // Each metric over time, per suite: one point so far, from the submission.
    const history = page.getByTestId('history-smoke-32-fid');
    await history.locator('svg circle').first().waitFor();
    expect(await page.getByTestId('evaluation-trigger').first().innerText()).toBe('submit');
    await shot(page, 'model');

    expect(problems).toEqual([]);
    await page.close();
  });
});
