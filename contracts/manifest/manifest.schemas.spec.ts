import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from './manifest.schemas.js';

const base = {
  name: 'tiny-gan',
  kind: 'generator',
  resolution: 32,
  classes: 0,
  inputs: { noise: 'z' },
  outputs: { images: 'images' },
  noise_dim: 64,
  output_range: [-1, 1],
};

function issuesOf(value: unknown): Array<{ path: string; message: string }> {
  try {
    parseManifest(value);
  } catch (err) {
    if (err instanceof ManifestError) return err.issues;
    throw err;
  }
  throw new Error('expected a ManifestError');
}

describe('generator manifest', () => {
  it('accepts the documented example, from an object or JSON text', () => {
    expect(parseManifest(base)).toEqual(base);
    expect(parseManifest(JSON.stringify({ ...base, classes: 10, inputs: { noise: 'z', class: 'y' } }))).toMatchObject({ classes: 10 });
  });
  it('rejects unknown keys, at the top level and inside inputs', () => {
    expect(issuesOf({ ...base, extra: true })).toContainEqual({ path: '', message: 'Unrecognized key: "extra"' });
    expect(issuesOf({ ...base, inputs: { noise: 'z', latent: 'w' } })[0]!.path).toBe('inputs');
  });
  it('ties classes to the class input both ways', () => {
    expect(issuesOf({ ...base, inputs: { noise: 'z', class: 'y' } })[0]!.path).toBe('inputs.class');
    expect(issuesOf({ ...base, classes: 1000 })[0]!.message).toContain('needs inputs.class');
  });
  it('refuses names with path separators and wrong types, naming the field', () => {
    expect(issuesOf({ ...base, name: '../etc/passwd' })[0]!.path).toBe('name');
    expect(issuesOf({ ...base, resolution: '32' })[0]!.path).toBe('resolution');
    expect(issuesOf({ ...base, output_range: [0, 255] })[0]!.path).toBe('output_range');
  });
  it('explains malformed JSON and non-objects', () => {
    expect(() => parseManifest('{"name": ')).toThrow(/not valid JSON/);
    expect(() => parseManifest('[1,2]')).toThrow(/must be a JSON object/);
  });
});
