import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { syntheticPrompts } from '../../text/synthetic-prompts.js';
import { CliError } from '../cli-error.js';
import { runCommand } from '../../../../test/support/run-command.js';
import { register } from './prompts.command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genbench-prompts-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('genbench prompts', () => {
  it('writes the smoke suite prompts as JSON Lines, index i for image i, to --out', async () => {
    const out = join(dir, 'prompts.jsonl');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await runCommand(register, 'prompts', 'smoke-t2i-32', '--out', out)).toBe('');
      expect(stderr).toHaveBeenCalledWith(`wrote 224 prompts of smoke-t2i-32 to ${out}\n`);
    } finally {
      stderr.mockRestore();
    }
    const lines = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { index: number; prompt: string });
    expect(lines).toHaveLength(224);
    expect(lines.map((l) => l.index)).toEqual([...Array(224).keys()]);
    expect(lines.map((l) => l.prompt)).toEqual(syntheticPrompts(0).map((p) => p.text));
  });

  it('prints to stdout without --out, and refuses a suite without prompts naming those that have them', async () => {
    const text = await runCommand(register, 'prompts', 'smoke-t2i-32');
    expect(text.split('\n')[0]).toBe(JSON.stringify({ index: 0, prompt: syntheticPrompts(0)[0]!.text }));
    const err = await runCommand(register, 'prompts', 'imagenet-256-cond').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toBe(
      "suite 'imagenet-256-cond' publishes no prompts (suites with prompts: smoke-t2i-32, smoke-t2v-12x32)",
    );
  });
});
