import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIP_STYLE_BOS, CLIP_STYLE_EOS, clipStyleTokenizerJson } from './clip-style-tokenizer.js';
import { loadTokenizer, TokenizerLoadError, tokenizerFromJson } from './tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'genbench-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = ['a', 'red', 'green', 'blue', 'circle', 'square', 'on', 'background'];
const json = clipStyleTokenizerJson(WORDS);
const vocab = (json.model as { vocab: Record<string, number> }).vocab;
const BOS = vocab[CLIP_STYLE_BOS]!;
const EOS = vocab[CLIP_STYLE_EOS]!;
const id = (t: string) => vocab[t]!;

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const row = (ids: BigInt64Array, i: number, L: number) => Array.from(ids.subarray(i * L, (i + 1) * L), Number);

describe('loadTokenizer (a CLIP-style BPE tokenizer.json written by the project)', () => {
  it('encodes prompts as CLIP does: <|startoftext|> words <|endoftext|>, padded to the context length with a 0 mask', async () => {
    const tok = await loadTokenizer(write('tokenizer.json', json), { contextLength: 12, padToken: CLIP_STYLE_EOS });
    const e = tok.encode(['a red circle on a blue background', '', 'A  Green SQUARE']);
    expect(e).toMatchObject({ rows: 3, contextLength: 12, truncated: [] });
    const words = ['a</w>', 'red</w>', 'circle</w>', 'on</w>', 'a</w>', 'blue</w>', 'background</w>'].map(id);
    expect(row(e.ids, 0, 12)).toEqual([BOS, ...words, EOS, EOS, EOS, EOS]);
    expect(row(e.attentionMask, 0, 12)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    // The empty prompt (the unconditional input of classifier-free guidance) is the two specials.
    expect(row(e.ids, 1, 12)).toEqual([BOS, EOS, ...Array(10).fill(EOS)]);
    expect(row(e.attentionMask, 1, 12)).toEqual([1, 1, ...Array(10).fill(0)]);
    // Normalised (whitespace, case) before the BPE merges.
    expect(row(e.ids, 2, 12).slice(0, 5)).toEqual([BOS, id('a</w>'), id('green</w>'), id('square</w>'), EOS]);
  });

  it('falls back to byte-level characters for words outside the vocabulary', () => {
    const tok = tokenizerFromJson(JSON.stringify(json), { contextLength: 8, padToken: CLIP_STYLE_EOS });
    expect(tok.tokenIds('red zz!')).toEqual([BOS, id('red</w>'), id('z'), id('z</w>'), id('!</w>'), EOS]);
    // Each listed word is one token (the learned merges, applied in order, rebuild it).
    for (const w of WORDS) expect(tok.tokenIds(w)).toEqual([BOS, id(`${w}</w>`), EOS]);
  });

  it('truncates a long prompt to the context length keeping both specials, and reports which prompts were cut', () => {
    const tok = tokenizerFromJson(JSON.stringify(json), { contextLength: 5, padToken: CLIP_STYLE_EOS });
    const e = tok.encode(['red', 'a red circle on a blue background']);
    expect(row(e.ids, 1, 5)).toEqual([BOS, id('a</w>'), id('red</w>'), id('circle</w>'), EOS]);
    expect(row(e.attentionMask, 1, 5)).toEqual([1, 1, 1, 1, 1]);
    expect(e.truncated).toEqual([{ index: 1, tokens: 9 }]);
  });

  it("follows the file's own truncation.max_length when shorter and its padding.pad_id when no pad token is named", () => {
    const withSections = {
      ...json,
      truncation: { max_length: 4, strategy: 'LongestFirst', stride: 0, direction: 'Right' },
      padding: { pad_id: 0, pad_token: '!', direction: 'Right' },
    };
    const tok = tokenizerFromJson(JSON.stringify(withSections), { contextLength: 7 });
    expect(tok).toMatchObject({ maxLength: 4, padId: 0 });
    const e = tok.encode(['a red circle on']);
    expect(row(e.ids, 0, 7)).toEqual([BOS, id('a</w>'), id('red</w>'), EOS, 0, 0, 0]);
    expect(e.truncated).toEqual([{ index: 0, tokens: 6 }]);
  });

  it.each([
    ['invalid JSON', '{"model": ', /tokenizer\.json: not a tokenizer\.json: invalid JSON/],
    ['a JSON array', '[1, 2]', /not a JSON object/],
    ['no model section', { version: '1.0', normalizer: null }, /has no 'model' section/],
    [
      'a model type Hugging Face does not write',
      { ...json, model: { type: 'Mystery', vocab: {} } },
      /does not load: model type "Mystery" is not one of BPE/,
    ],
    ['a BPE model without its vocabulary', { ...json, model: { type: 'BPE' } }, /tokenizer\.json does not load: /],
  ])('refuses %s with a TokenizerLoadError that names the file', async (_what, content, message) => {
    const file = write('tokenizer.json', content);
    const err = await loadTokenizer(file, { contextLength: 8, padToken: CLIP_STYLE_EOS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenizerLoadError);
    expect((err as Error).message.startsWith(file)).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses a missing file, an unknown or missing pad token, and a context too short for the specials', async () => {
    await expect(loadTokenizer(join(dir, 'absent.json'), { contextLength: 8 })).rejects.toThrow(
      /absent\.json: cannot read the tokenizer: ENOENT/,
    );
    const text = JSON.stringify(json);
    expect(() => tokenizerFromJson(text, { contextLength: 8, padToken: '<pad>' })).toThrow(
      /the pad token "<pad>" is not in the vocabulary/,
    );
    expect(() => tokenizerFromJson(text, { contextLength: 8 })).toThrow(/no pad token: .*CLIP pads with <\|endoftext\|>/);
    expect(() => tokenizerFromJson(text, { contextLength: 1, padToken: CLIP_STYLE_EOS })).toThrow(/context length must be an integer ≥ 2/);
  });
});
