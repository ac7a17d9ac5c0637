import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../api/src/database/prisma.service.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { scoreAs } from '../support/manual-runner.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { startStack, type TestStack } from '../support/stack.js';
import { launchBrowser, openPage } from './browser.js';

/**
 * The arena page (issue #20): an anonymous visitor sees two unnamed samples, votes with the buttons, sees the
 * names afterwards; after an admin recomputes, the board ranks the models as the votes did, and further votes
 * move the ratings (a new rating version).
 */
describe('arena page', () => {
  let stack: TestStack;
  let scratch: ScratchDatabase | undefined;
  let browser: Browser;
  let prisma: PrismaService;
  const FID: Record<string, number> = { 'e2e-arena-a': 10, 'e2e-arena-b': 20 };

  beforeAll(async () => {
    // A database of its own: the arena pairs every public model of the board, so the other browser tests'
    // public smoke-32 models would join its pairs and its board.
    scratch = await migratedScratchDatabase('e2e_arena');
    // 8 votes make a rating shown: after the first 4 votes each model has too few, and the pages must say so.
    stack = await startStack({
      runners: 0,
      databaseUrl: scratch.url,
      config: {
        arena: { resamples: 200, minVotes: 8, votesPerMinute: 30, pairCloseness: 400, pairRepeatPenalty: 1, recomputeIntervalMs: 0 },
      },
    });
    prisma = stack.app.get(PrismaService);
    let seed = 1300;
    for (const [name, fid] of Object.entries(FID)) {
      const form = new FormData();
      form.append('file', new Blob([buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: seed++ })]), 'model.onnx');
      form.append('manifest', JSON.stringify(exampleManifest(name)));
      const res = await fetch(`${stack.baseUrl}/api/models`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${stack.submitterToken}` },
      });
      const body = (await res.json()) as any;
      expect(res.status, JSON.stringify(body)).toBe(201);
      await scoreAs(stack, body.evaluations.find((e: any) => e.suite.id === 'smoke-32').id, { fid }, { kept: 64 });
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await scratch?.drop();
  });

  const recompute = async () => {
    const res = await fetch(`${stack.baseUrl}/api/arena/ratings`, {
      method: 'POST',
      body: JSON.stringify({ suiteId: 'smoke-32' }),
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
  };

  /** Waits for the page's pair, then clicks the side whose model has the lower FID (as read from the database). */
  async function voteForBetter(page: Page, pairId: string) {
    const p = await prisma.arenaPair.findUniqueOrThrow({
      where: { id: pairId },
      include: {
        leftEvaluation: { include: { modelVersion: { include: { model: true } } } },
        rightEvaluation: { include: { modelVersion: { include: { model: true } } } },
      },
    });
    const [left, right] = [p.leftEvaluation.modelVersion.model.name, p.rightEvaluation.modelVersion.model.name];
    expect(await page.getByTestId('arena-name-left').innerText()).toBe('anonymous');
    await page.getByTestId(FID[left] < FID[right] ? 'vote-left' : 'vote-right').click();
    await expect.poll(() => page.getByTestId('arena-name-left').innerText()).toMatch(new RegExp(`^${left} v1`));
    expect(await page.getByTestId('arena-name-right').innerText()).toMatch(new RegExp(`^${right} v1`));
  }

  async function castVotes(page: Page, n: number) {
    for (let k = 0; k < n; k++) {
      const pairResponse = page.waitForResponse((r) => r.url().endsWith('/api/arena/pairs') && r.request().method() === 'POST');
      if (k === 0) {
        // A fresh load (the same hash URL again would not navigate), so the page asks for a new pair.
        await page.goto('about:blank');
        await page.goto(`${stack.baseUrl}/#/arena`);
      } else await page.getByTestId('vote-next').click();
      const pair = (await (await pairResponse).json()) as { id: string };
      await page.getByTestId('arena-left').waitFor();
      await voteForBetter(page, pair.id);
    }
  }

  const board = (page: Page) => () =>
    page
      .getByTestId('arena-board-row')
      .evaluateAll((trs) =>
        trs.map(
          (tr) =>
            `${tr.querySelector('[data-testid="arena-model"]')?.textContent} ${tr.querySelector('[data-testid="arena-rating"]')?.textContent}`,
        ),
      );

  /** The main leaderboard's smoke-32 rows as "model arena-cell". */
  const leaderboard = (page: Page) => () =>
    page
      .getByTestId('leaderboard-smoke-32')
      .getByTestId('leaderboard-row')
      .evaluateAll((trs) =>
        trs.map(
          (tr) =>
            `${tr.querySelector('[data-testid="leaderboard-model-link"]')?.textContent?.split(' ')[0]} ${tr.querySelector('[data-testid="leaderboard-arena"]')?.textContent}`,
        ),
      );

  it('votes anonymously, reveals the names after each vote, says "too few votes" until there are enough, then moves the ratings; the main leaderboard ranks by them', async () => {
    const { page, problems } = await openPage(browser);
    await castVotes(page, 4);
    await recompute();
    await page.reload();
    await expect.poll(() => page.getByTestId('arena-rating-version').innerText()).toMatch(/rating v1 from 4 votes/);
    const first = await board(page)();
    // 4 votes each, fewer than the 8 configured: no rating shown, and the row says why.
    expect(first.map((r) => r.split(' ')[2]).sort()).toEqual(['—', '—']);
    expect(await page.getByTestId('arena-board').innerText()).toMatch(/too few votes to rate \(4 < 8\)/);
    expect(await page.getByTestId('arena-agreement').innerText()).toMatch(/fid\s+2\s+1\.00/);

    await page.goto(`${stack.baseUrl}/#/leaderboards`);
    await expect.poll(leaderboard(page)).toEqual(['e2e-arena-a too few votes (4)', 'e2e-arena-b too few votes (4)']);

    await castVotes(page, 4);
    await recompute();
    await page.reload();
    await expect.poll(() => page.getByTestId('arena-rating-version').innerText()).toMatch(/rating v2 from 8 votes/);
    const second = await board(page)();
    expect(second.map((r) => r.split(' ')[0])).toEqual(['e2e-arena-a', 'e2e-arena-b']);
    expect(second).not.toEqual(first);
    const ratings = second.map((r) => Number(r.split(' ')[2]));
    expect(ratings[0]).toBeGreaterThan(ratings[1]!);

    // The main leaderboard: ranked by the arena on the API (sort=arena), with the arena page's ratings.
    await page.goto(`${stack.baseUrl}/#/leaderboards`);
    await page.getByTestId('leaderboard-smoke-32').getByTestId('rank-by-arena').waitFor();
    const request = page.waitForRequest((r) => r.url().includes('/api/leaderboards?') && r.url().includes('sort=arena'));
    await page.getByTestId('leaderboard-smoke-32').getByTestId('rank-by-arena').click();
    await request;
    await expect.poll(leaderboard(page)).toEqual(ratings.map((x, i) => `e2e-arena-${'ab'[i]} ${Math.round(x)}`));
    expect(page.url()).toMatch(/sort=arena\.rating/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
