// Tests of `genbench seg-score` (runner/src/cli/commands/seg-score.command.ts), kept beside the scoring core.
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../cli/cli-error.js';
import { register } from '../cli/commands/seg-score.command.js';
import { writeNpz } from '../io/npz.js';
import { runCommand } from '../../../test/support/run-command.js';

const FIXTURES = new URL('../../../../shared/fixtures/segmentation/', import.meta.url);
const CASE = new URL('seg_case1.npz', FIXTURES).pathname;
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as Record<
  string,
  { miou: number; pixel_accuracy: number }
>;

const run = (...args: string[]): Promise<string> => runCommand(register, 'seg-score', ...args);

describe('genbench seg-score', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seg-score-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['per-image-hungarian', 'segments', 'per_image_hungarian_on_segments'],
    ['dataset-hungarian', 'clusters', 'dataset_hungarian_on_clusters'],
  ])('--protocol %s on the shared fixture prints exactly one JSON object', async (protocol, key, expectedKey) => {
    const out = await run('--gt', CASE, '--pred', CASE, '--pred-key', key, '--classes', '6', '--protocol', protocol, '--json');
    expect(out.trim().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(out) as { miou: number; pixel_accuracy: number; protocol: string; classes: number };
    expect(Math.abs(parsed.miou - expected[expectedKey].miou)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(parsed.pixel_accuracy - expected[expectedKey].pixel_accuracy)).toBeLessThanOrEqual(1e-9);
    expect(parsed).toMatchObject({ protocol, classes: 6 });
  });

  it('reads gt and pred from separate archives with the default keys, int64 included', async () => {
    const gtPath = join(dir, 'gt.npz');
    const predPath = join(dir, 'pred.npz');
    await writeNpz(gtPath, { gt: { dtype: 'uint8', shape: [1, 2, 3], data: Uint8Array.from([0, 0, 1, 1, 1, 255]) } });
    await writeNpz(predPath, {
      pred: { dtype: 'int64', shape: [1, 2, 3], data: BigInt64Array.from([5n, 5n, 5n, 9n, 9n, 9n]) },
    });
    const out = await run('--gt', gtPath, '--pred', predPath, '--classes', '2', '--protocol', 'per-image-hungarian', '--json');
    expect(JSON.parse(out)).toEqual({
      miou: 2 / 3,
      pixel_accuracy: 4 / 5,
      protocol: 'per-image-hungarian',
      classes: 2,
    });
    expect(await run('--gt', gtPath, '--pred', predPath, '--classes', '2', '--protocol', 'per-image-hungarian')).toMatch(
      /mIoU\s+0\.666667/,
    );
  });

  it('reports user errors as CliError', async () => {
    const other = join(dir, 'other.npz');
    await writeNpz(other, {
      pred: { dtype: 'int32', shape: [20, 32, 47], data: new Int32Array(20 * 32 * 47) },
      flat: { dtype: 'int32', shape: [4], data: new Int32Array(4) },
      soft: { dtype: 'float32', shape: [20, 32, 48], data: new Float32Array(20 * 32 * 48) },
    });
    const base = ['--gt', CASE, '--classes', '6', '--protocol', 'dataset-hungarian', '--json'];
    const cases: Array<[string[], RegExp]> = [
      [[...base, '--pred', CASE], /has no array 'pred'.*gt, segments, clusters/],
      [[...base, '--pred', other], /shape mismatch/],
      [[...base, '--pred', other, '--pred-key', 'flat'], /must be \[N, H, W\]/],
      [[...base, '--pred', other, '--pred-key', 'soft'], /integer labels/],
      [['--gt', CASE, '--pred', CASE, '--pred-key', 'clusters', '--classes', '6', '--protocol', 'stego'], /unknown protocol 'stego'/],
      [['--gt', CASE, '--pred', CASE, '--pred-key', 'clusters', '--classes', 'six', '--protocol', 'dataset-hungarian'], /--classes/],
      [[...base, '--pred', CASE, '--pred-key', 'clusters', '--clusters', '4'], /cluster id 4 outside/],
      [[...base, '--pred', join(dir, 'missing.npz')], /missing\.npz/],
      [
        ['--gt', CASE, '--pred', CASE, '--pred-key', 'clusters', '--classes', '6', '--protocol', 'per-image-hungarian', '--clusters', '6'],
        /dataset-hungarian only/,
      ],
    ];
    for (const [args, message] of cases) {
      const error = await run(...args).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, args.join(' ')).toBeInstanceOf(CliError);
      expect((error as CliError).message).toMatch(message);
    }
  });

  it('refuses a ground truth with no labelled pixel instead of printing NaN', async () => {
    const path = join(dir, 'void.npz');
    await writeNpz(path, {
      gt: { dtype: 'uint8', shape: [1, 1, 2], data: Uint8Array.from([255, 255]) },
      pred: { dtype: 'int32', shape: [1, 1, 2], data: Int32Array.from([0, 1]) },
    });
    await expect(run('--gt', path, '--pred', path, '--classes', '3', '--protocol', 'dataset-hungarian')).rejects.toThrow(
      /no labelled pixels/,
    );
  });
});
