import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildResizeRestorer, exampleRestorerManifest } from '../../benchmarks/image-conditioned/example-models.js';
import {
  buildInstructionEncoder,
  buildRecolourEditor,
  exampleEditorManifest,
  exampleEditTokenizerJson,
} from '../../benchmarks/image-conditioned/example-text-models.js';
import { syntheticEdits } from '../../runner/src/conditions/synthetic-edits.js';
import { exampleSampleBatchImages, exampleSampleBatchManifest } from '../../benchmarks/text-to-image/example-models.js';
import { writeNpz } from '../../runner/src/io/npz.js';
import { syntheticPrompts } from '../../runner/src/text/synthetic-prompts.js';
import { startStack, type TestStack, waitForEvaluation } from '../support/stack.js';
import { submit } from '../support/submissions.js';
import { launchBrowser, openPage } from './browser.js';

/**
 * Kept samples in the dashboard (issues #15.4, #20.1, #17): a text-to-image evaluation's page shows each prompt
 * beside its image, the compare page shows two models' images for the same prompts side by side, and an
 * image-conditioned evaluation's page shows input | output | target, with the instruction an edit was given.
 */
describe('kept samples pages', () => {
  let stack: TestStack;
  let browser: Browser;
  let dir: string;
  const ids: string[] = [];
  let restorerId: string;
  let nearestId: string;
  const editorIds: string[] = [];
  const prompts = syntheticPrompts(0).map((p) => p.text);

  beforeAll(async () => {
    stack = await startStack();
    dir = await mkdtemp(join(tmpdir(), 'kept-e2e-'));
    const { data, shape } = exampleSampleBatchImages();
    // Two models: the example batch, and its negative (another model's answers to the same prompts).
    for (const [name, images] of [
      ['drawn', data],
      ['negative', data.map((v) => 255 - v)],
    ] as const) {
      const path = join(dir, `${name}.npz`);
      await writeNpz(path, { arr_0: { dtype: 'uint8', shape, data: images } });
      const r = await submit(stack, stack.submitterToken, {
        file: await readFile(path),
        manifest: exampleSampleBatchManifest(`${stack.owner}-${name}`),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.evaluations[0].id);
    }
    const restorer = await submit(stack, stack.submitterToken, {
      file: buildResizeRestorer('linear'),
      manifest: exampleRestorerManifest(`${stack.owner}-bilinear`),
    });
    expect(restorer.status, JSON.stringify(restorer.body)).toBe(201);
    restorerId = restorer.body.evaluations[0].id;
    const nearest = await submit(stack, stack.submitterToken, {
      file: buildResizeRestorer('nearest'),
      manifest: exampleRestorerManifest(`${stack.owner}-nearest`),
    });
    expect(nearest.status, JSON.stringify(nearest.body)).toBe(201);
    nearestId = nearest.body.evaluations[0].id;
    // Two instruction editors with their text encoder and tokenizer: one follows the instruction, one paints white.
    for (const [name, follows] of [
      ['instructed', true],
      ['white', false],
    ] as const) {
      const r = await submit(stack, stack.submitterToken, {
        file: buildRecolourEditor(follows),
        manifest: exampleEditorManifest(`${stack.owner}-${name}`),
        text_encoder: buildInstructionEncoder(),
        tokenizer: new TextEncoder().encode(exampleEditTokenizerJson()),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      editorIds.push(r.body.evaluations[0].id);
    }
    for (const id of [...ids, restorerId, nearestId, ...editorIds]) {
      const { final } = await waitForEvaluation(stack, id, 120_000);
      expect(final.status, final.failureReason).toBe('succeeded');
    }
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the prompt beside its image on the evaluation page, and two models side by side on compare', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/evaluations/${ids[0]}/show`);
    const first = page.getByTestId('kept-sample-0');
    await first.waitFor();
    expect(await first.getByTestId('kept-sample-condition').innerText()).toContain(prompts[0]);
    const img = first.getByTestId('kept-sample-image');
    await img.waitFor();
    await expect
      .poll(() => img.evaluate((el: { complete: boolean; naturalWidth: number }) => (el.complete ? el.naturalWidth : 0)))
      .toBe(32);
    // The first 16 of the 64 kept, until "Show all" is pressed.
    await expect.poll(() => page.getByTestId('kept-samples').getByTestId('kept-sample-image').count()).toBe(16);

    await page.goto(
      `${stack.baseUrl}/#/leaderboards/compare?${new URLSearchParams({ suite: 'smoke-t2i-32', evaluations: ids.join(',') }).toString()}`,
    );
    const side = page.getByTestId('compare-kept-samples');
    await side.waitFor();
    expect(await side.getByTestId('compare-kept-model').allInnerTexts()).toEqual([`${stack.owner}-drawn v1`, `${stack.owner}-negative v1`]);
    const row = side.getByTestId('compare-kept-row-3');
    expect(await row.getByTestId('compare-kept-condition').innerText()).toBe(prompts[3]);
    const pair = row.getByTestId('kept-sample-image');
    await expect.poll(() => pair.count()).toBe(2);
    await expect
      .poll(() =>
        pair.evaluateAll((els) =>
          els.map((el) => {
            const i = el as unknown as { complete: boolean; naturalWidth: number };
            return i.complete ? i.naturalWidth : 0;
          }),
        ),
      )
      .toEqual([32, 32]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows an image-conditioned evaluation's kept samples as input | output | target (smoke-sr4-32: 8, 32, 32 px)", async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/evaluations/${restorerId}/show`);
    const row = page.getByTestId('kept-triplet-0');
    await row.waitFor();
    const widths = (role: string) =>
      row
        .getByTestId(`kept-triplet-${role}`)
        .evaluate((el: { complete: boolean; naturalWidth: number }) => (el.complete ? el.naturalWidth : 0));
    for (const [role, width] of [
      ['input', 8],
      ['output', 32],
      ['target', 32],
    ] as const)
      await expect.poll(() => widths(role)).toBe(width);
    // The first 8 of the 64 kept, until "Show all" is pressed.
    await expect.poll(() => page.getByTestId('kept-triplets').locator('tbody tr').count()).toBe(8);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('compares two restorers on the same inputs: each row shows the input and target once, then both outputs', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(
      `${stack.baseUrl}/#/leaderboards/compare?${new URLSearchParams({ suite: 'smoke-sr4-32', evaluations: [restorerId, nearestId].join(',') }).toString()}`,
    );
    const side = page.getByTestId('compare-kept-samples');
    await side.waitFor();
    expect(await side.getByTestId('compare-kept-model').allInnerTexts()).toEqual([
      `${stack.owner}-bilinear v1`,
      `${stack.owner}-nearest v1`,
    ]);
    const row = side.getByTestId('compare-kept-row-3');
    const width = (testId: string, n = 0) =>
      row
        .getByTestId(testId)
        .nth(n)
        .evaluate((el: { complete: boolean; naturalWidth: number }) => (el.complete ? el.naturalWidth : 0));
    await expect.poll(() => width('compare-kept-input')).toBe(8);
    await expect.poll(() => width('compare-kept-target')).toBe(32);
    await expect.poll(() => row.getByTestId('kept-sample-image').count()).toBe(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the instruction each edit was given under its input, on the evaluation page and on compare', async () => {
    const instructions = syntheticEdits(64, 32, 0, 1).instructions;
    const { page, problems } = await openPage(browser);
    await page.goto(`${stack.baseUrl}/#/evaluations/${editorIds[0]}/show`);
    const row = page.getByTestId('kept-triplet-2');
    await row.waitFor();
    expect(await row.getByTestId('kept-triplet-text').innerText()).toBe(`“${instructions[2]}”`);
    await page.goto(
      `${stack.baseUrl}/#/leaderboards/compare?${new URLSearchParams({ suite: 'smoke-edit-32', evaluations: editorIds.join(',') }).toString()}`,
    );
    const side = page.getByTestId('compare-kept-samples');
    await side.waitFor();
    expect(await side.getByTestId('compare-kept-row-5').getByTestId('compare-kept-condition').innerText()).toBe(
      `instruction: ${instructions[5]}`,
    );
    expect(problems).toEqual([]);
    await page.close();
  });
});
