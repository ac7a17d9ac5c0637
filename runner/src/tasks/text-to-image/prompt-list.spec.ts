// An empty prompt list in a suite definition: a prompt file (the only list a suite can configure that could be
// empty; the synthetic list always holds 224) that holds no prompts fails the suite with a clear message
// before anything is sampled or scored.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coco30kSuite } from '../../../../benchmarks/text-to-image/coco-30k.js';
import type { TextToImageSuiteDefinition } from '../../../../contracts/suites/text-to-image-suite.schemas.js';
import { SuiteFailure } from '../../evaluation/evaluation-failure.js';
import { loadPrompts } from './prompt-list.js';

describe('loadPrompts (a suite configured with a prompt file)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-prompt-list-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function suiteWith(text: string, samples: number): Promise<TextToImageSuiteDefinition> {
    await writeFile(join(dir, 'captions.txt'), text);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const base = coco30kSuite(256);
    return { ...base, samples, prompts: { type: 'prompt-file', file: 'captions.txt', sha256, source: 'test' } };
  }
  const dirs = () => ({ referenceDir: dir, modelsDir: dir, datasetsDir: dir });

  it('fails the suite, naming it, when the prompt file is empty', async () => {
    const suite = await suiteWith('', 1);
    const err = await loadPrompts(suite, dirs()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SuiteFailure);
    expect((err as Error).message).toBe('suite coco-30k-256: its prompt list is empty');
  });

  it('reads one prompt per line (CRLF too), and fails a list of another length than the samples', async () => {
    await expect(loadPrompts(await suiteWith('a cat\r\na dog\n', 2), dirs())).resolves.toEqual(['a cat', 'a dog']);
    await expect(loadPrompts(await suiteWith('a cat\na dog\n', 3), dirs())).rejects.toThrow(
      'suite coco-30k-256 scores 3 samples but its prompt list holds 2 prompts',
    );
  });
});
