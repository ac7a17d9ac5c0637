import { createHash } from 'node:crypto';
import { mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { buildExampleDenoiser, exampleDenoiserManifest } from '../../benchmarks/smoke/example-denoisers.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { buildGaussianDenoiser, buildLatentDecoder } from '../../runner/src/onnx/models/gaussian-denoiser.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { getJson, type TestStack, startStack } from '../support/stack.js';
import { storedFiles, submit, uploadLeftovers } from '../support/submissions.js';

const gen = (seed: number) => buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const HOUR = 3600_000;

/** A latent denoiser (16×16 images from [4, 4, 4] latents) with its decoder: a submission of two files. */
function latentSubmission(name: string) {
  const schedule = { kind: 'vp-linear', beta_start: 1e-4, beta_end: 0.02, steps: 1000 } as const;
  const file = buildGaussianDenoiser({
    schedule,
    timeInput: 'index',
    prediction: 'eps',
    shape: [4, 4, 4],
    mean: new Float32Array(64),
    std: 0.5,
  });
  const decoder = buildLatentDecoder({ latentShape: [4, 4, 4], resolution: 16, seed: 1 });
  const manifest = {
    ...exampleDenoiserManifest(name, { resolution: 16, time_input: 'index', schedule: { ...schedule, continuous: false } }),
    latent: { shape: [4, 4, 4], scale_factor: 0.18215, decoder: { inputs: { latent: 'z' }, outputs: { images: 'images' } } },
  };
  return { file, decoder, manifest };
}

/** Issue #13.4: a rejected request changes nothing and leaves no file; a sweep removes what no row references. */
describe('rejected requests', () => {
  let stack: TestStack;
  let db: pg.Client;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    db = new pg.Client({ connectionString: stack.config.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  async function modelsNamed(name: string): Promise<any[]> {
    const page = await getJson(stack, `/api/models?owner=${stack.owner}&limit=500`, stack.adminToken);
    return page.items.filter((m: any) => m.name === name);
  }

  it('a kind conflict sent as private is 409 and leaves the public model, its visibility and the store as they were', async () => {
    const name = `${stack.owner}-kind`;
    const first = await submit(stack, stack.submitterToken, { file: gen(1), manifest: exampleManifest(name) });
    expect(first.status).toBe(201);
    const before = await storedFiles(stack);
    const denoiser = buildExampleDenoiser({ fit: 1, std: 0.4 });
    const r = await submit(stack, stack.submitterToken, {
      file: denoiser,
      manifest: exampleDenoiserManifest(name),
      visibility: 'private',
    });
    expect(r.status).toBe(409);
    expect(r.body.message).toBe(`model "${name}" is a generator; a new version cannot be a denoiser`);
    const anonymous = await getJson(stack, `/api/models/${first.body.model.id}`);
    expect(anonymous.visibility).toBe('public');
    expect(anonymous.versions.map((v: any) => [v.version, v.visibility])).toEqual([[1, 'public']]);
    expect(await storedFiles(stack)).toEqual(before);
    expect(before).not.toContain(sha256(denoiser));
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  it('a failure while storing the files (500) leaves no row and no file, not even the one already moved in', async () => {
    const name = `${stack.owner}-fail`;
    const { file, decoder, manifest } = latentSubmission(name);
    expect(sha256(file).slice(0, 2)).not.toBe(sha256(decoder).slice(0, 2));
    // The decoder's shard directory cannot be created: a regular file is in its place.
    const blocker = join(stack.config.artifactDir, 'sha256', sha256(decoder).slice(0, 2));
    await mkdir(join(stack.config.artifactDir, 'sha256'), { recursive: true });
    await writeFile(blocker, 'not a directory');
    const before = await storedFiles(stack);
    try {
      const r = await submit(stack, stack.submitterToken, { file, decoder, manifest });
      expect(r.status).toBe(500);
      expect(await modelsNamed(name)).toEqual([]);
      expect(await storedFiles(stack)).toEqual(before);
      expect(before).not.toContain(sha256(file));
      expect(await uploadLeftovers(stack)).toEqual([]);
    } finally {
      await rm(blocker, { force: true });
    }
    // With the obstacle gone the same submission goes through: the failure left nothing in its way.
    const again = await submit(stack, stack.submitterToken, { file, decoder, manifest });
    expect(again.status).toBe(201);
    expect(again.body.version.version).toBe(1);
    expect(await storedFiles(stack)).toEqual(expect.arrayContaining([sha256(file), sha256(decoder)]));
  });

  it('a refusal for quota (429) stores nothing', async () => {
    const { secret } = await issueToken(stack.config, { name: 'no quota', role: 'submitter', owner: stack.owner, dailyQuota: 0 });
    const name = `${stack.owner}-quota`;
    const bytes = gen(7);
    const r = await submit(stack, secret, { file: bytes, manifest: exampleManifest(name) });
    expect(r.status).toBe(429);
    expect(await modelsNamed(name)).toEqual([]);
    expect(await storedFiles(stack)).not.toContain(sha256(bytes));
    expect(await uploadLeftovers(stack)).toEqual([]);
  });

  describe('the artifact sweep', () => {
    async function place(bytes: Uint8Array, ageMs: number): Promise<string> {
      const sha = sha256(bytes);
      const path = join(stack.config.artifactDir, 'sha256', sha.slice(0, 2), sha);
      await mkdir(join(stack.config.artifactDir, 'sha256', sha.slice(0, 2)), { recursive: true });
      await writeFile(path, bytes);
      const t = new Date(Date.now() - ageMs);
      await utimes(path, t, t);
      return sha;
    }
    async function age(sha: string, ageMs: number): Promise<void> {
      const t = new Date(Date.now() - ageMs);
      await utimes(join(stack.config.artifactDir, 'sha256', sha.slice(0, 2), sha), t, t);
    }
    async function sweep(token: string | undefined, query = '') {
      const res = await fetch(`${stack.baseUrl}/api/admin/artifacts/sweep${query}`, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: res.status, body: (await res.json()) as any };
    }

    it('removes old files no row references, keeps referenced, young and in-flight ones, and says what it did', async () => {
      // Referenced, and old: a model file, a latent denoiser's decoder (extra_artifacts), a sample grid.
      const name = `${stack.owner}-kept`;
      const model = gen(11);
      const submitted = await submit(stack, stack.submitterToken, { file: model, manifest: exampleManifest(name) });
      expect(submitted.status).toBe(201);
      await age(sha256(model), 2 * HOUR);
      const latent = latentSubmission(`${stack.owner}-kept-latent`);
      const stored = await submit(stack, stack.submitterToken, latent);
      expect(stored.status).toBe(201);
      const decoderSha = sha256(latent.decoder);
      expect(stored.body.version.extraArtifacts).toEqual([{ role: 'decoder', sha256: decoderSha, size: latent.decoder.length }]);
      await age(decoderSha, 2 * HOUR);
      const grid = await place(new TextEncoder().encode('a sample grid'), 2 * HOUR);
      await db.query('UPDATE evaluations SET sample_grid_sha256 = $1 WHERE id = $2', [grid, submitted.body.evaluations[0].id]);

      const orphan = await place(new TextEncoder().encode('left by a crash'), 2 * HOUR);
      const young = await place(new TextEncoder().encode('being recorded right now'), 60_000);
      const inFlight = await place(new TextEncoder().encode('adopted, rows not committed yet'), 2 * HOUR);
      const stale = join(stack.config.uploadTmpDir, 'stale-upload');
      await mkdir(stack.config.uploadTmpDir, { recursive: true });
      await writeFile(stale, 'half an upload');
      await utimes(stale, new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR));

      expect((await sweep(undefined)).status).toBe(401);
      expect((await sweep(stack.submitterToken)).status).toBe(403);

      // A submission holds the file's lock from its adoption to its commit (models.repository.ts).
      const holder = new pg.Client({ connectionString: stack.config.databaseUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended('genbench-artifact:' || $1, 0))`, [inFlight]);
        const r = await sweep(stack.adminToken);
        expect(r.status).toBe(200);
        expect(r.body.graceSeconds).toBe(3600);
        expect(r.body.removed).toEqual([{ sha256: orphan, bytes: 'left by a crash'.length }]);
        expect(r.body.removedBytes).toBe('left by a crash'.length);
        expect(r.body.uploadsRemoved).toBe(1);
        expect(r.body.kept.inUse).toBe(1);
        expect(r.body.kept.young).toBeGreaterThanOrEqual(1);
        expect(r.body.kept.referenced).toBeGreaterThanOrEqual(3);
        const left = await storedFiles(stack);
        expect(left).not.toContain(orphan);
        for (const sha of [sha256(model), decoderSha, grid, young, inFlight]) expect(left).toContain(sha);
        await expect(stat(stale)).rejects.toThrow(/ENOENT/);
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      // The submission rolled back: its file is an orphan now, and goes; with ?graceSeconds=0 the young one too.
      const after = await sweep(stack.adminToken, '?graceSeconds=0');
      expect(after.body.removed.map((f: any) => f.sha256).sort()).toEqual([inFlight, young].sort());
      expect(await storedFiles(stack)).toEqual(expect.arrayContaining([sha256(model), decoderSha, grid]));
      // Everything a row references is still served to runners.
      const res = await fetch(`${stack.baseUrl}/api/runner/artifacts/${sha256(model)}`, {
        headers: { authorization: `Bearer ${stack.runnerToken}` },
      });
      expect(res.status).toBe(200);
    });
  });
});
