import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, type TestStack, startStack } from '../support/stack.js';
import { storedFiles, submit, uploadLeftovers } from '../support/submissions.js';

const gen = (seed: number) => buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed });

/** Issue #12.2: an exact resubmission (same files, same normalized manifest, same owner) is refused with 409. */
describe('duplicate submissions', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function versionsOf(modelId: string): Promise<number[]> {
    const m = await getJson(stack, `/api/models/${modelId}`, stack.adminToken);
    return m.versions.map((v: any) => v.version).sort();
  }
  async function evaluationCount(): Promise<number> {
    return (await getJson(stack, `/api/evaluations?limit=500`, stack.adminToken)).total;
  }

  it('answers the same file and manifest again with 409 naming v1, and stores nothing more', async () => {
    const name = `${stack.owner}-dup`;
    const manifest = { ...exampleManifest(name), description: 'blobs' };
    const first = await submit(stack, stack.submitterToken, { file: gen(1), manifest });
    expect(first.status).toBe(201);
    expect(first.body.version.version).toBe(1);
    const evaluations = await evaluationCount();
    const files = await storedFiles(stack);

    const again = await submit(stack, stack.submitterToken, { file: gen(1), manifest });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`already submitted as ${name} v1 (version id ${first.body.version.id}, public)`);
    expect(again.body.existing).toEqual({
      modelId: first.body.model.id,
      modelName: name,
      version: 1,
      versionId: first.body.version.id,
      visibility: 'public',
    });

    // The same manifest written in another key order, with a default spelled out, is the same manifest.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(manifest).reverse()));
    const third = await submit(stack, stack.submitterToken, { file: gen(1), manifest: reordered });
    expect(third.status).toBe(409);
    expect(third.body.existing.versionId).toBe(first.body.version.id);

    expect(await versionsOf(first.body.model.id)).toEqual([1]);
    expect(await evaluationCount()).toBe(evaluations);
    expect(await storedFiles(stack)).toEqual(files);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  it('refuses a duplicate sent with the other visibility, and leaves the existing version as it was', async () => {
    const name = `${stack.owner}-vis`;
    const first = await submit(stack, stack.submitterToken, { file: gen(2), manifest: exampleManifest(name) });
    expect(first.status).toBe(201);
    const priv = await submit(stack, stack.submitterToken, { file: gen(2), manifest: exampleManifest(name), visibility: 'private' });
    expect(priv.status).toBe(409);
    expect(priv.body.message).toMatch(/v1 .*public.*It stays public: a resubmission does not change a version's visibility/);
    // Anonymous readers still see the public v1.
    const m = await getJson(stack, `/api/models/${first.body.model.id}`);
    expect(m.versions.map((v: any) => [v.version, v.visibility])).toEqual([[1, 'public']]);
  });

  it('makes a new version when a manifest field or the file changes', async () => {
    const name = `${stack.owner}-changes`;
    const v1 = await submit(stack, stack.submitterToken, { file: gen(3), manifest: exampleManifest(name) });
    expect(v1.status).toBe(201);
    const v2 = await submit(stack, stack.submitterToken, { file: gen(3), manifest: { ...exampleManifest(name), description: 'v2' } });
    expect(v2.status).toBe(201);
    expect(v2.body.version.version).toBe(2);
    const v3 = await submit(stack, stack.submitterToken, { file: gen(4), manifest: exampleManifest(name) });
    expect(v3.status).toBe(201);
    expect(v3.body.version.version).toBe(3);
    // Another owner submitting the same file and manifest has a model of their own.
    const other = await submit(stack, stack.adminToken, { file: gen(3), manifest: exampleManifest(name) });
    expect(other.status).toBe(201);
    expect(other.body.model.id).not.toBe(v1.body.model.id);
    expect(await versionsOf(v1.body.model.id)).toEqual([1, 2, 3]);
  });

  it('stores one version when identical submissions arrive at once, for a new model and for a new version', async () => {
    const name = `${stack.owner}-race`;
    const all = await Promise.all(
      [1, 2, 3].map(() => submit(stack, stack.submitterToken, { file: gen(5), manifest: exampleManifest(name) })),
    );
    expect(all.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const winner = all.find((r) => r.status === 201)!;
    for (const r of all.filter((x) => x.status === 409)) expect(r.body.existing.versionId).toBe(winner.body.version.id);
    expect(await versionsOf(winner.body.model.id)).toEqual([1]);

    const changed = { ...exampleManifest(name), description: 'second' };
    const pair = await Promise.all([1, 2].map(() => submit(stack, stack.submitterToken, { file: gen(5), manifest: changed })));
    expect(pair.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await versionsOf(winner.body.model.id)).toEqual([1, 2]);
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  it('recognizes a version stored before fingerprints existed', async () => {
    const name = `${stack.owner}-legacy`;
    const first = await submit(stack, stack.submitterToken, { file: gen(6), manifest: exampleManifest(name) });
    expect(first.status).toBe(201);
    const db = new pg.Client({ connectionString: stack.config.databaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE model_versions SET fingerprint = NULL WHERE id = $1', [first.body.version.id]);
    } finally {
      await db.end();
    }
    const again = await submit(stack, stack.submitterToken, { file: gen(6), manifest: exampleManifest(name) });
    expect(again.status).toBe(409);
    expect(again.body.existing.version).toBe(1);
  });
});
