import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import smokeSr4 from '../../../../benchmarks/image-conditioned/smoke-sr4-32.suite.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { publishInputsInChild } from '../../conditions/publish-inputs.js';
import { readNpz } from '../../io/npz.js';
import { CliError } from '../cli-error.js';
import { runCommand } from '../../../../test/support/run-command.js';
import { register } from './inputs.command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genbench-inputs-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('genbench inputs', () => {
  it('writes the same npz, byte for byte, as the API publishes at GET /api/suites/:id/inputs (its child process)', async () => {
    const out = join(dir, 'inputs.npz');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runCommand(register, 'inputs', 'smoke-sr4-32', '--out', out);
      expect(stderr).toHaveBeenCalledWith(`wrote 64 inputs of smoke-sr4-32 to ${out}\n`);
    } finally {
      stderr.mockRestore();
    }
    const api = join(dir, 'api.npz');
    const reply = await publishInputsInChild(smokeSr4, api, loadAssetDirs(process.env), 60_000);
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    expect((await readFile(out)).equals(await readFile(api))).toBe(true);
    const arrays = await readNpz(out);
    expect(arrays.arr_0!.shape).toEqual([64, 8, 8, 3]);
    expect(arrays.arr_1!.shape).toEqual([64, 3, 8, 8]);
  });

  it('refuses a suite without inputs naming those that have them, and an --out it cannot write', async () => {
    const none = await runCommand(register, 'inputs', 'smoke-32', '--out', join(dir, 'x.npz')).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(CliError);
    expect((none as Error).message).toMatch(/^suite 'smoke-32' publishes no inputs \(suites with inputs: .*smoke-sr4-32.*smoke-canny-32/);
    const unknown = await runCommand(register, 'inputs', 'no-such-suite', '--out', join(dir, 'x.npz')).catch((e: unknown) => e);
    expect((unknown as Error).message).toMatch(/^suite 'no-such-suite' publishes no inputs/);
    const bad = join(dir, 'missing-dir', 'inputs.npz');
    const err = await runCommand(register, 'inputs', 'smoke-sr4-32', '--out', bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(new RegExp(`^cannot write ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*ENOENT`));
  });
});
