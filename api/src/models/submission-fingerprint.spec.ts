import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
import { canonicalJson, submissionFingerprint } from './submission-fingerprint.js';

const manifest = {
  name: 'seg',
  kind: 'extractor',
  input_size: 64,
  normalization: 'imagenet',
  inputs: { images: 'x' },
  outputs: { features: 'f' },
};
const sha = 'a'.repeat(64);

describe('submission fingerprint', () => {
  it('serializes with sorted keys at every level and no whitespace', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 'x' }], a: null, e: undefined })).toBe('{"a":null,"b":[{"c":"x","d":1}]}');
  });

  it('ignores key order and defaults spelled out, since it hashes the parsed manifest', () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(manifest).reverse()))) as unknown;
    const withDefault = { ...manifest, preprocessing: 'pil-bicubic' };
    const a = submissionFingerprint({ artifactSha256: sha, extraArtifacts: [], manifest: parseManifest(manifest) });
    expect(submissionFingerprint({ artifactSha256: sha, extraArtifacts: [], manifest: parseManifest(reordered) })).toBe(a);
    expect(submissionFingerprint({ artifactSha256: sha, extraArtifacts: [], manifest: parseManifest(withDefault) })).toBe(a);
  });

  it('changes with any manifest field, the file or an extra file', () => {
    const base = { artifactSha256: sha, extraArtifacts: [], manifest: parseManifest(manifest) };
    const a = submissionFingerprint(base);
    expect(submissionFingerprint({ ...base, manifest: parseManifest({ ...manifest, description: 'x' }) })).not.toBe(a);
    expect(submissionFingerprint({ ...base, artifactSha256: 'b'.repeat(64) })).not.toBe(a);
    expect(submissionFingerprint({ ...base, extraArtifacts: [{ role: 'decoder', sha256: sha }] })).not.toBe(a);
    // What the database returns for extra files carries their size too; only role and hash count.
    expect(submissionFingerprint({ ...base, extraArtifacts: [{ role: 'decoder', sha256: sha, size: 3 } as never] })).toBe(
      submissionFingerprint({ ...base, extraArtifacts: [{ role: 'decoder', sha256: sha }] }),
    );
  });
});
