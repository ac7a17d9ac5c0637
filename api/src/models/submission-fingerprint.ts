import { createHash } from 'node:crypto';

/**
 * JSON with the keys of every object sorted by UTF-16 code units and no whitespace: for the values a parsed
 * manifest holds (strings, finite numbers, booleans, arrays, objects) this is RFC 8785's canonical form, so
 * two manifests that parse to the same value serialize to the same text whatever their key order.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What makes two submissions the same: the artifact's sha256, the extra files' roles and sha256s, and the
 * manifest as parsed (defaults applied), canonically serialized. Visibility is not part of it: resubmitting
 * the same thing with another visibility is still a duplicate (README.md, "The manifest").
 */
export function submissionFingerprint(input: {
  artifactSha256: string;
  extraArtifacts: ReadonlyArray<{ role: string; sha256: string }>;
  manifest: unknown;
}): string {
  const extra = [...input.extraArtifacts]
    .map((a) => ({ role: a.role, sha256: a.sha256 }))
    .sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : a.sha256 < b.sha256 ? -1 : 1));
  const text = canonicalJson({ artifact: input.artifactSha256, extra, manifest: input.manifest });
  return createHash('sha256').update(text).digest('hex');
}
