import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleVideoManifest, writeExampleVideoBatch } from '../../benchmarks/video/example-models.js';
import { startStack, type TestStack, waitForEvaluation } from '../support/stack.js';
import { submit } from '../support/submissions.js';
import { launchBrowser, openPage } from './browser.js';

/**
 * Animated previews in the dashboard (issue #21.4): a video evaluation's page shows its kept videos as
 * animated WebPs, and the image on the page changes as it plays; the compare page plays two models' side by side.
 */
describe('video evaluation page', () => {
  let stack: TestStack;
  let browser: Browser;
  let dir: string;
  let id: string;
  let noiseId: string;

  beforeAll(async () => {
    stack = await startStack();
    dir = await mkdtemp(join(tmpdir(), 'video-e2e-'));
    const path = join(dir, 'coherent.npz');
    await writeExampleVideoBatch(path);
    const r = await submit(stack, stack.submitterToken, {
      file: await readFile(path),
      manifest: exampleVideoManifest(`${stack.owner}-mover`),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    id = r.body.evaluations[0].id;
    const noisePath = join(dir, 'noise.npz');
    await writeExampleVideoBatch(noisePath, { perFrameNoise: true });
    const noise = await submit(stack, stack.submitterToken, {
      file: await readFile(noisePath),
      manifest: exampleVideoManifest(`${stack.owner}-noise`),
    });
    expect(noise.status, JSON.stringify(noise.body)).toBe(201);
    noiseId = noise.body.evaluations[0].id;
    for (const e of [id, noiseId]) {
      const { final } = await waitForEvaluation(stack, e, 120_000);
      expect(final.status, final.failureReason).toBe('succeeded');
    }
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the 8 kept videos as animated previews that play', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/evaluations/${id}/show`);
    const first = page.getByTestId('kept-sample-0');
    await first.waitFor();
    expect(await first.getByTestId('kept-sample-animated').innerText()).toContain('animated');
    await expect.poll(() => page.getByTestId('kept-samples').getByTestId('kept-sample-image').count()).toBe(8);
    const img = first.getByTestId('kept-sample-image');
    await expect
      .poll(() => img.evaluate((el: { complete: boolean; naturalWidth: number }) => (el.complete ? el.naturalWidth : 0)))
      .toBe(32);
    // What the <img> shows now, as the page renders it (a canvas would draw only the first frame, by the HTML
    // specification): it changes while the 16 frames (2 s) play.
    const snapshot = async () => (await img.screenshot({ animations: 'allow' })).toString('base64');
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add(await snapshot());
          return seen.size;
        },
        { timeout: 10_000, interval: 150 },
      )
      .toBeGreaterThan(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("plays both models' videos side by side on the compare page", async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(
      `${stack.baseUrl}/#/leaderboards/compare?${new URLSearchParams({ suite: 'smoke-video-16x32', evaluations: [id, noiseId].join(',') }).toString()}`,
    );
    const row = page.getByTestId('compare-kept-samples').getByTestId('compare-kept-row-0');
    await row.waitFor();
    const images = row.getByTestId('kept-sample-image');
    await expect.poll(() => images.count()).toBe(2);
    for (const n of [0, 1])
      await expect
        .poll(() => images.nth(n).evaluate((el: { complete: boolean; naturalWidth: number }) => (el.complete ? el.naturalWidth : 0)))
        .toBe(32);
    // The coherent mover's preview plays here too: what the page shows changes over its 2 s.
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await images.nth(0).screenshot({ animations: 'allow' })).toString('base64'));
          return seen.size;
        },
        { timeout: 10_000, interval: 150 },
      )
      .toBeGreaterThan(2);
    expect(problems).toEqual([]);
    await page.close();
  });
});
