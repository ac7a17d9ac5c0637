import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth/issue-token.js';
import { UploadStore } from '../../api/src/uploads/upload-store.js';
import { exampleManifest } from '../../benchmarks/smoke/example-models.js';
import { submitCommand, type SubmitOptions } from '../../runner/src/cli/commands/submit.command.js';
import { CliError } from '../../runner/src/cli/cli-error.js';
import { sha256OfFile, tusUpload } from '../../runner/src/cli/submit/tus-upload.js';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { cuttingProxy } from '../support/cutting-proxy.js';
import { migratedScratchDatabase, type ScratchDatabase } from '../support/scratch-database.js';
import { getJson, type TestStack, startStack, waitForEvaluation } from '../support/stack.js';
import { storedFiles } from '../support/submissions.js';

/** Issue #18.2: resumable (tus) uploads, the submission that names them, and `genbench submit`. */
describe('resumable uploads', () => {
  let stack: TestStack;
  let scratch: ScratchDatabase | undefined;
  let dir: string;
  let otherToken: string;
  const MAX = 2 * 1024 * 1024;
  // About 0.9 MB (noise_dim 512), so an upload can be cut halfway.
  const model = buildTinyGenerator({ noiseDim: 512, resolution: 32, classes: 0, seed: 1801 });
  const manifestOf = (name: string) => ({ ...exampleManifest(name), noise_dim: 512 });
  let modelPath: string;

  beforeAll(async () => {
    scratch = await migratedScratchDatabase('tus');
    stack = await startStack({ runners: 1, databaseUrl: scratch.url, config: { maxUploadBytes: MAX } });
    otherToken = (await issueToken(stack.config, { name: 'other submitter', role: 'submitter', owner: `${stack.owner}-other` })).secret;
    dir = await mkdtemp(join(tmpdir(), 'genbench-tus-'));
    modelPath = join(dir, 'model.onnx');
    await writeFile(modelPath, model);
  });
  afterAll(async () => {
    await stack?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const options = (o: Partial<SubmitOptions> = {}): SubmitOptions => ({
    manifest: join(dir, 'manifest.json'),
    file: modelPath,
    api: stack.baseUrl,
    token: stack.submitterToken,
    state: join(dir, 'state.json'),
    chunkMb: 64,
    retries: 0,
    progress: false,
    ...o,
  });
  const versions = async () => (await getJson(stack, '/api/models?limit=500', stack.adminToken)).total as number;
  const createUpload = (token: string | undefined, length: number) =>
    fetch(`${stack.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': String(length), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });

  it('resumes an interrupted `genbench submit` from the server offset, then stores and scores the model under its sha256', async () => {
    const name = `${stack.owner}-resumed`;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifestOf(name)));
    const proxy = cuttingProxy(Number(new URL(stack.baseUrl).port));
    const port = await proxy.listen();
    try {
      const api = `http://127.0.0.1:${port}`;
      proxy.state.cutAfter = Math.floor(model.length / 2);
      const first = await submitCommand(options({ api }), () => undefined).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(CliError);
      expect((first as CliError).message).toMatch(/interrupted.*Run the same command again to resume/);
      expect(proxy.state.patchOffsets).toEqual([0]);
      expect(await versions()).toBe(0);

      const log: string[] = [];
      const result = (await submitCommand(options({ api }), (l) => log.push(l))) as any;
      const resumedAt = Number(/resuming the earlier upload at byte (\d+)/.exec(log.join('\n'))?.[1]);
      expect(resumedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeLessThan(model.length);
      // The second run's only PATCH starts where the server stopped, not at byte 0.
      expect(proxy.state.patchOffsets).toEqual([0, resumedAt]);

      const sha = createHash('sha256').update(model).digest('hex');
      expect(result.version.artifactSha256).toBe(sha);
      expect(result.version.artifactSize).toBe(model.length);
      expect(await storedFiles(stack)).toContain(sha);
      const smoke = result.evaluations.find((e: any) => e.suite.id === 'smoke-32');
      const { final } = await waitForEvaluation(stack, smoke.id);
      expect(final.status).toBe('succeeded');
      expect(Number.isFinite(final.metrics.fid)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a declared sha256 that the upload does not have (400), stores nothing, and keeps the upload for a retry', async () => {
    const id = await tusUpload({
      api: stack.baseUrl,
      token: stack.submitterToken,
      path: modelPath,
      sha256: 'x',
      field: 'file',
      stateFile: join(dir, 's2.json'),
    });
    const before = { versions: await versions(), files: await storedFiles(stack) };
    const post = (sha256: string) =>
      fetch(`${stack.baseUrl}/api/models`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.submitterToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ manifest: manifestOf(`${stack.owner}-badsha`), uploads: { file: id }, sha256: { file: sha256 } }),
      });
    const bad = await post('0'.repeat(64));
    const body = (await bad.json()) as any;
    expect(bad.status).toBe(400);
    expect(body.message).toContain('not the declared 0000');
    expect(body.issues[0].path).toBe('sha256.file');
    expect(await versions()).toBe(before.versions);
    expect(await storedFiles(stack)).toEqual(before.files);

    // The refused submission left the upload: corrected, it goes through without uploading again, and is then used up.
    const good = await post(await sha256OfFile(modelPath));
    expect(good.status).toBe(201);
    expect(await versions()).toBe(before.versions + 1);
    expect((await post(await sha256OfFile(modelPath))).status).toBe(404);
  });

  it('keeps an upload to the token that made it: another token gets 404 for it, and no token or a runner token is refused', async () => {
    const created = await createUpload(stack.submitterToken, 10);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const id = location.slice(location.lastIndexOf('/') + 1);
    const head = (token: string) =>
      fetch(`${stack.baseUrl}/api/uploads/${id}`, {
        method: 'HEAD',
        headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` },
      });
    expect((await head(stack.submitterToken)).status).toBe(200);
    expect((await head(otherToken)).status).toBe(404);
    const patch = await fetch(`${stack.baseUrl}/api/uploads/${id}`, {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        authorization: `Bearer ${otherToken}`,
      },
      body: new Uint8Array(10),
    });
    expect(patch.status).toBe(404);
    const use = await fetch(`${stack.baseUrl}/api/models`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ manifest: manifestOf(`${stack.owner}-stolen`), uploads: { file: id }, sha256: { file: '0'.repeat(64) } }),
    });
    expect(use.status).toBe(404);
    expect((await createUpload(undefined, 10)).status).toBe(401);
    expect((await createUpload(stack.runnerToken, 10)).status).toBe(403);
  });

  it('answers 413 for an upload larger than GENBENCH_MAX_UPLOAD_MB, and the sweep removes uploads older than the expiry', async () => {
    expect((await createUpload(stack.submitterToken, MAX + 1)).status).toBe(413);
    const created = await createUpload(stack.submitterToken, 10);
    const location = created.headers.get('location')!;
    expect(created.headers.get('upload-expires')).toBeTruthy();
    const uploads = stack.app.get(UploadStore);
    expect(await uploads.sweep(Date.now())).toBe(0); // nothing is old yet
    expect(await uploads.sweep(Date.now() + stack.config.uploadExpiryMs + 1000)).toBeGreaterThanOrEqual(1);
    const head = await fetch(`${stack.baseUrl}${location}`, {
      method: 'HEAD',
      headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${stack.submitterToken}` },
    });
    expect(head.status).toBe(404);
  });

  it('`genbench submit` prints a clear error and exits 2 when the model fails validation, storing nothing', async () => {
    const manifest = { ...manifestOf(`${stack.owner}-broken`), inputs: { noise: 'no_such_input' } };
    await writeFile(join(dir, 'broken.json'), JSON.stringify(manifest));
    const before = { versions: await versions(), files: await storedFiles(stack) };
    const child = spawn(
      process.execPath,
      [
        'bin/genbench.js',
        'submit',
        '--manifest',
        join(dir, 'broken.json'),
        '--file',
        modelPath,
        '--api',
        stack.baseUrl,
        '--token',
        stack.submitterToken,
        '--state',
        join(dir, 's3.json'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/file \[#+\] 100\.0%/);
    expect(stderr).toMatch(/genbench: the submission was refused \(400\): .*no_such_input/);
    expect(await versions()).toBe(before.versions);
    expect(await storedFiles(stack)).toEqual(before.files);
  });
});
