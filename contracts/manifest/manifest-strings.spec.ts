import { describe, expect, it } from 'vitest';
import { parseExtractorManifest } from './extractor-manifest.schemas.js';
import { unstorableText } from './manifest-fields.js';
import { ManifestError, parseManifest } from './manifest.schemas.js';

// One manifest of every kind with every optional string present (README.md, "The manifest").
const EXAMPLES: Record<string, Record<string, unknown>> = {
  generator: {
    name: 'tiny-gan',
    kind: 'generator',
    description: 'a tiny GAN',
    resolution: 32,
    classes: 10,
    inputs: { noise: 'z', class: 'y' },
    outputs: { images: 'images' },
    noise_dim: 64,
    output_range: [-1, 1],
  },
  denoiser: {
    name: 'tiny-ldm',
    kind: 'denoiser',
    description: 'a latent denoiser',
    resolution: 256,
    classes: 1000,
    channels: 3,
    inputs: { x: 'x', t: 't', class: 'y' },
    outputs: { prediction: 'v' },
    prediction: 'velocity',
    schedule: { kind: 'linear-interpolant' },
    time_input: 't',
    null_class: 1000,
    output_range: [-1, 1],
    latent: { shape: [4, 32, 32], scale_factor: 0.18215, decoder: { inputs: { latent: 'z' }, outputs: { images: 'images' } } },
  },
  samples: { name: 'my-samples', kind: 'samples', description: 'ADM samples', resolution: 64, classes: 1000 },
  extractor: {
    name: 'dino-vits8',
    kind: 'extractor',
    description: 'DINO',
    input_size: 448,
    normalization: 'imagenet',
    preprocessing: 'pil-bicubic',
    inputs: { images: 'pixel_values' },
    outputs: { features: 'patch_tokens' },
  },
  segmenter: {
    name: 'my-segmenter',
    kind: 'segmenter',
    description: 'segments',
    input_size: 512,
    normalization: 'minus-one-one',
    inputs: { images: 'images' },
    outputs: { segments: 'segments' },
  },
};

/** Paths of every string leaf of a JSON value (arrays by index), as the issues name them. */
function stringPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function withString(value: Record<string, unknown>, path: string[], s: string): Record<string, unknown> {
  const copy = structuredClone(value);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = s;
  return copy;
}

function issuesOf(parse: () => unknown): Array<{ path: string; message: string }> {
  try {
    parse();
  } catch (err) {
    if (err instanceof ManifestError) return err.issues;
    throw err;
  }
  throw new Error('expected a ManifestError');
}

// JSON text as a client sends it: "\u0000" and a lone "\ud800" are valid JSON escapes, so JSON.parse accepts them.
const BAD = [
  ['NUL', 'abc\u0000def', /NUL character/],
  ['lone high surrogate', 'abc\ud800', /lone UTF-16 surrogate \(\\ud800 at index 3\)/],
  ['lone low surrogate', '\udc00abc', /lone UTF-16 surrogate \(\\udc00 at index 0\)/],
] as const;

describe('strings PostgreSQL cannot store', () => {
  it('every example is accepted as it is', () => {
    for (const m of Object.values(EXAMPLES)) expect(() => parseManifest(JSON.stringify(m))).not.toThrow();
  });

  for (const [kind, example] of Object.entries(EXAMPLES)) {
    it(`${kind}: NUL or a lone surrogate in any string is an issue naming that field`, () => {
      const paths = stringPaths(example);
      expect(paths.length).toBeGreaterThanOrEqual(3);
      for (const path of paths) {
        for (const [what, s, message] of BAD) {
          const issues = issuesOf(() => parseManifest(JSON.stringify(withString(example, path, s))));
          const dotted = path.join('.');
          // `kind` and enum fields are refused for not being one of their values; free text for the character.
          const own = issues.filter((i) => i.path === dotted || (path[0] === 'kind' && i.path === 'kind'));
          expect(own, `${kind} ${dotted} with ${what}: ${JSON.stringify(issues)}`).not.toEqual([]);
          if (['name', 'description'].includes(dotted) || /^(inputs|outputs|latent\.decoder\.(inputs|outputs))\./.test(dotted)) {
            expect(own.map((i) => i.message).join(' '), `${kind} ${dotted}`).toMatch(message);
          }
        }
      }
    });
  }

  it('a string with a proper surrogate pair (an emoji) is fine', () => {
    expect(parseManifest({ ...EXAMPLES.generator, description: 'good \ud83d\ude00 model' })).toMatchObject({
      description: 'good 😀 model',
    });
    expect(unstorableText('😀')).toBeUndefined();
  });

  it('the feature-extractor manifest of `genbench features` refuses them too', () => {
    const m = {
      name: 'inception',
      kind: 'feature-extractor',
      input_size: 299,
      inputs: { images: 'images\u0000' },
      outputs: { pool: 'pool_3' },
      preprocessing: 'tf1-bilinear',
      normalization: 'adm',
    };
    expect(issuesOf(() => parseExtractorManifest(m))).toContainEqual({ path: 'inputs.images', message: expect.stringMatching(/NUL/) });
  });
});

describe('messages list the allowed values', () => {
  it('output_range', () => {
    expect(issuesOf(() => parseManifest({ ...EXAMPLES.generator, output_range: [0, 255] }))).toContainEqual({
      path: 'output_range',
      message: 'expected [-1, 1] or [0, 1]',
    });
    expect(issuesOf(() => parseManifest({ ...EXAMPLES.denoiser, output_range: 'x' }))[0]!.message).toBe('expected [-1, 1] or [0, 1]');
  });
  it('enums and kinds', () => {
    expect(issuesOf(() => parseManifest({ ...EXAMPLES.generator, kind: 'gan' }))[0]!.message).toMatch(/'generator' \| 'denoiser'/);
    expect(issuesOf(() => parseManifest({ ...EXAMPLES.denoiser, time_input: 'x' }))[0]!.message).toMatch(/"index"\|"t"/);
    expect(issuesOf(() => parseManifest({ ...EXAMPLES.extractor, normalization: 'x' }))[0]!.message).toMatch(/"adm"\|"minus-one-one"/);
  });
});
