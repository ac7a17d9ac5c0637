import { describe, expect, it } from 'vitest';
import { conditionKey, sharedIndices } from './arena.service.js';

/** Pairs are drawn only on indices both players kept for the same condition (class label or prompt; same suite seed). */
describe('arena: indices two players share', () => {
  it('reads equal conditions as equal whatever their key order, and different ones as different', () => {
    expect(conditionKey({ prompt: 'a cat', images: { b: '2', a: '1' } })).toBe(
      conditionKey({ images: { a: '1', b: '2' }, prompt: 'a cat' }),
    );
    expect(conditionKey({ class_label: 3 })).not.toBe(conditionKey({ class_label: 4 }));
    expect(conditionKey({})).not.toBe(conditionKey({ prompt: '' }));
  });

  it('keeps only indices both kept with the same condition, in order', () => {
    const a = new Map([
      [0, conditionKey({ class_label: 1 })],
      [1, conditionKey({ class_label: 2 })],
      [2, conditionKey({ class_label: 3 })],
      [5, conditionKey({ class_label: 5 })],
    ]);
    const b = new Map([
      [5, conditionKey({ class_label: 5 })],
      [2, conditionKey({ class_label: 9 })],
      [0, conditionKey({ class_label: 1 })],
      [7, conditionKey({ class_label: 7 })],
    ]);
    expect(sharedIndices(a, b)).toEqual([0, 5]);
    expect(sharedIndices(b, a)).toEqual([0, 5]);
    expect(sharedIndices(a, new Map())).toEqual([]);
  });
});
