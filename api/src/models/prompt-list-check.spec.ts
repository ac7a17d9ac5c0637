// An empty published prompt list seen from a submission: a sample batch that answers it is a 400 naming the
// list (checkPromptList runs before anything is stored). No published list is empty today, so the list is
// replaced here.
import { BadRequestException } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import type { InspectionReport } from '../../../contracts/inspection/inspection.js';
import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { checkPromptList } from './prompt-list-check.js';

vi.mock('../../../benchmarks/prompts/index.js', () => ({
  findPromptSuite: (id: string) => (id === 'empty-t2i' ? { id, version: 1, description: 'no prompts', prompts: () => [] } : undefined),
}));

const report = { ok: true } as unknown as Extract<InspectionReport, { ok: true }>;
const manifest = (prompts: string) => ({ kind: 'samples', prompts }) as unknown as Manifest;

function refusal(f: () => void): { message: string; issues: unknown } {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).getResponse() as { message: string; issues: unknown };
  }
  throw new Error('expected a 400');
}

describe('checkPromptList', () => {
  it('refuses with 400 a batch answering an empty prompt list, naming the list and the field', () => {
    const r = refusal(() => checkPromptList(manifest('empty-t2i'), report));
    expect(r.message).toBe('manifest.prompts: the prompt list of empty-t2i is empty, so no batch can answer it');
    expect(r.issues).toEqual([{ path: 'manifest.prompts', message: 'the prompt list of empty-t2i is empty' }]);
  });

  it('refuses with 400 a list that does not exist', () => {
    expect(refusal(() => checkPromptList(manifest('nope'), report)).message).toMatch(/suite "nope" publishes no prompt list/);
  });
});
