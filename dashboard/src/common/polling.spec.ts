import { describe, expect, it } from 'vitest';
import { POLL_MS, pollEvaluation, pollEvaluations, pollModel } from './polling';

const query = (data: unknown) => ({ state: { data } });

describe('polling', () => {
  it('polls only while an evaluation is queued or running', () => {
    expect(pollEvaluation(query({ status: 'running' }))).toBe(POLL_MS);
    expect(pollEvaluation(query({ status: 'succeeded' }))).toBe(false);
    expect(pollEvaluation(query(undefined))).toBe(false);
    // getList answers { data: [...] }, getMany an array.
    expect(pollEvaluations(query({ data: [{ status: 'failed' }, { status: 'queued' }] }))).toBe(POLL_MS);
    expect(pollEvaluations(query([{ status: 'cancelled' }]))).toBe(false);
    expect(pollModel(query({ versions: [{ evaluations: [{ status: 'succeeded' }] }, { evaluations: [{ status: 'running' }] }] }))).toBe(
      POLL_MS,
    );
    expect(pollModel(query({ versions: [] }))).toBe(false);
  });
});
