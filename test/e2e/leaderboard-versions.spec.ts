import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuitesService } from '../../api/src/suites/suites.service.js';
import { startStack, type TestStack } from '../support/stack.js';
import { submitVersions, versionsSuite } from '../support/versions-suite.js';
import { launchBrowser, openPage } from './browser.js';

/** Full-page screenshots, kept as artifacts (test-results/ is gitignored). */
const SHOTS = join('test-results', 'leaderboard-versions');

/** The dashboard reads its API token from localStorage before its first request. */
const withToken = (page: Page, token: string) => page.addInitScript(`localStorage.setItem('genbench.token', ${JSON.stringify(token)})`);

/** Its own 20×20 board (no other test's models), so the rows below are all of it. */
const SUITE = versionsSuite(20);

/**
 * The leaderboard page ranks one row per model (its newest scored version the reader may see) and, with the
 * "Every version" switch, one per version; the switch is kept in the URL, so a reload or a shared link shows
 * the same view. m2 v2 is private: anonymous readers get m2 v1, its owner m2 v2 marked private.
 */
describe('leaderboard: one row per model, or every version', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    await stack.app.get(SuitesService).sync([SUITE]);
    await submitVersions(
      stack,
      stack.submitterToken,
      SUITE,
      [
        { model: 'm1', fid: 5 },
        { model: 'm1', fid: 3 },
        { model: 'm2', fid: 4 },
        { model: 'm2', fid: 1, private: true },
      ],
      700,
    );
    browser = await launchBrowser();
    await mkdir(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const board = (page: Page) => page.getByTestId(`leaderboard-table-${SUITE.id}`);
  const rows = (page: Page) => async () => {
    const texts = await board(page)
      .getByTestId('leaderboard-row')
      .evaluateAll((trs) =>
        trs.map((tr) => {
          const rank = tr.querySelector('[data-testid="leaderboard-rank"]')?.textContent ?? '';
          const model = tr.querySelector('[data-testid="leaderboard-model-link"]')?.textContent ?? '';
          const priv = tr.querySelector('[data-testid="leaderboard-private"]') ? ' private' : '';
          return `${rank} ${model.trim()}${priv}`;
        }),
      );
    return texts;
  };
  const toggle = (page: Page) => page.getByTestId('versions-toggle').locator('input');

  it('switches between one row per model and every version, keeps the choice in the URL, and hides private versions from others', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/leaderboards?filter=${encodeURIComponent(JSON.stringify({ suite: SUITE.id }))}`);
    await board(page).waitFor();
    await expect.poll(rows(page)).toEqual(['1 m1 v2', '2 m2 v1']);
    expect(await page.getByTestId(`leaderboard-${SUITE.id}`).getByTestId('board-total').innerText()).toMatch(/^2 entries/);
    expect(await toggle(page).isChecked()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'latest.png'), fullPage: true });

    // A click, not check(): the switch is controlled by the list's filter, which changes a render later.
    await toggle(page).click();
    await expect.poll(() => toggle(page).isChecked()).toBe(true);
    await expect.poll(() => decodeURIComponent(page.url())).toContain('"versions":"all"');
    await expect.poll(rows(page)).toEqual(['1 m1 v2', '2 m2 v1', '3 m1 v1']);
    expect(await page.getByTestId(`leaderboard-${SUITE.id}`).getByTestId('board-total').innerText()).toMatch(/^3 entries/);
    await page.screenshot({ path: join(SHOTS, 'all.png'), fullPage: true });

    // The URL carries the choice: a reload (or the link, shared) shows every version again.
    await page.reload();
    await board(page).waitFor();
    await expect.poll(rows(page)).toEqual(['1 m1 v2', '2 m2 v1', '3 m1 v1']);
    expect(await toggle(page).isChecked()).toBe(true);

    await toggle(page).click();
    await expect.poll(() => toggle(page).isChecked()).toBe(false);
    await expect.poll(() => decodeURIComponent(page.url())).not.toContain('"versions"');
    await expect.poll(rows(page)).toEqual(['1 m1 v2', '2 m2 v1']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the owner their private newest version, marked, in both views', async () => {
    const { page, problems } = await openPage(browser);
    await withToken(page, stack.submitterToken);
    await page.goto(`${stack.baseUrl}/#/leaderboards?filter=${encodeURIComponent(JSON.stringify({ suite: SUITE.id, versions: 'all' }))}`);
    await board(page).waitFor();
    expect(await toggle(page).isChecked()).toBe(true);
    await expect.poll(rows(page)).toEqual(['1 m2 v2 private', '2 m1 v2', '3 m2 v1', '4 m1 v1']);
    await toggle(page).click();
    await expect.poll(() => toggle(page).isChecked()).toBe(false);
    await expect.poll(rows(page)).toEqual(['1 m2 v2 private', '2 m1 v2']);
    await page.screenshot({ path: join(SHOTS, 'owner-latest.png'), fullPage: true });

    // Older versions stay reachable from the model page (each version, with its visibility).
    await board(page).getByTestId('leaderboard-model-link').filter({ hasText: 'm2' }).click();
    await page.getByTestId('model-version-1').waitFor();
    expect(await page.getByTestId('model-version-2').getByTestId('version-private').count()).toBe(1);
    expect(await page.getByTestId('model-version-1').getByTestId('version-private').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
