import { describe, expect, it } from 'vitest';
import { drawPrompt, parsePrompt, PALETTE, syntheticPrompts } from '../text/synthetic-prompts.js';
import { syntheticEdits } from './synthetic-edits.js';

describe('synthetic instruction edits', () => {
  it('edit i recolours the shape of prompt i: instruction, captions and both drawings agree', () => {
    const e = syntheticEdits(64, 32, 0, 1);
    const prompts = syntheticPrompts(0);
    for (let i = 0; i < 64; i++) {
      const before = parsePrompt(e.before[i]!)!;
      const after = parsePrompt(e.after[i]!)!;
      expect(e.before[i]).toBe(prompts[i]!.text);
      expect([after.shape, after.background]).toEqual([before.shape, before.background]);
      expect(after.foreground).not.toBe(before.foreground);
      expect(after.foreground).not.toBe(before.background);
      expect(e.instructions[i]).toBe(`make the ${before.shape} ${PALETTE[after.foreground]!.name}`);
      const px = 32 * 32 * 3;
      expect(e.sources.subarray(i * px, (i + 1) * px)).toEqual(drawPrompt(before, 32, 1, i));
      expect(e.targets.subarray(i * px, (i + 1) * px)).toEqual(drawPrompt(after, 32, 1, i));
    }
  });

  it('only the shape changes: every background pixel of the source is unchanged in the target', () => {
    const e = syntheticEdits(8, 32, 0, 1);
    let same = 0;
    let changed = 0;
    for (let p = 0; p < e.sources.length; p += 3) {
      if (e.sources[p] === e.targets[p] && e.sources[p + 1] === e.targets[p + 1] && e.sources[p + 2] === e.targets[p + 2]) same++;
      else changed++;
    }
    expect(changed).toBeGreaterThan(0);
    expect(same).toBeGreaterThan(changed);
  });

  it('refuses more edits than the grammar has prompts', () => {
    expect(() => syntheticEdits(225, 8, 0, 1)).toThrow(/224 prompts/);
  });
});
