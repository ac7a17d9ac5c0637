// A small CLIP-style BPE tokenizer.json written by the project (for the smoke text-to-image suite and the
// tokenizer tests): the layout of openai/clip-vit-* tokenizer.json files — NFC, whitespace collapsed,
// lowercase; CLIP's split pattern then byte-level; BPE with the end-of-word suffix `</w>`; RobertaProcessing
// adding <|startoftext|> and <|endoftext|> — with a vocabulary grown from a word list instead of CLIP's
// 49,408 tokens. Every byte-level symbol of printable ASCII is in the vocabulary (alone and as a word end),
// so any ASCII prompt encodes; the merges are learned from the word list by BPE's own greedy rule (merge the
// most frequent adjacent pair, repeat), until every listed word is one token — so encoding, which applies the
// merges in the learned order, gives each listed word its single token.

export const CLIP_STYLE_BOS = '<|startoftext|>';
export const CLIP_STYLE_EOS = '<|endoftext|>';

// CLIP's pre-tokenizer split (openai/CLIP simple_tokenizer.py, as the HF tokenizer.json writes it).
const CLIP_SPLIT = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

/** The tokenizer.json object (serialise with JSON.stringify) for a vocabulary covering `words`. */
export function clipStyleTokenizerJson(words: readonly string[]): Record<string, unknown> {
  const vocab = new Map<string, number>();
  const add = (t: string) => {
    if (!vocab.has(t)) vocab.set(t, vocab.size);
  };
  // Printable ASCII maps to itself under byte-level encoding.
  for (let c = 33; c < 127; c++) add(String.fromCharCode(c));
  for (let c = 33; c < 127; c++) add(String.fromCharCode(c) + '</w>');
  const merges = learnMerges(words);
  for (const [a, b] of merges) add(a + b);
  const bos = vocab.size;
  add(CLIP_STYLE_BOS);
  const eos = vocab.size;
  add(CLIP_STYLE_EOS);
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bos, CLIP_STYLE_BOS), special(eos, CLIP_STYLE_EOS)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [CLIP_STYLE_EOS, eos],
      cls: [CLIP_STYLE_BOS, bos],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: CLIP_STYLE_EOS,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges,
    },
  };
}

/** BPE training on the distinct words (each counted once); ties go to the lexicographically first pair. */
function learnMerges(words: readonly string[]): [string, string][] {
  const distinct = [...new Set(words.map((w) => w.toLowerCase()))];
  for (const w of distinct)
    if (!/^[a-z]+$/.test(w)) throw new RangeError(`clipStyleTokenizerJson: words are lowercase letters, got '${w}'`);
  const split = distinct.map((w) => [...w.slice(0, -1)].concat(w.at(-1)! + '</w>'));
  const merges: [string, string][] = [];
  for (;;) {
    const counts = new Map<string, number>();
    for (const symbols of split)
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    if (counts.size === 0) return merges;
    let best = '';
    let bestCount = 0;
    for (const [key, c] of counts) if (c > bestCount || (c === bestCount && key < best)) [best, bestCount] = [key, c];
    const [a, b] = best.split(' ') as [string, string];
    merges.push([a, b]);
    for (const symbols of split)
      for (let i = 0; i + 1 < symbols.length; i++) if (symbols[i] === a && symbols[i + 1] === b) symbols.splice(i, 2, a + b);
  }
}
