import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINGER_MS } from '../../api/src/common/payload-limit.js';
import { MAX_GRID_BYTES } from '../../contracts/jobs/runner-api.schemas.js';
import { buildConstantSegmenter, segmenterManifest } from '../../runner/src/onnx/models/segmentation-models.js';
import { getJson, type TestStack, startStack, submitModel } from '../support/stack.js';

const MB = 1024 * 1024;

/** What an over-limit body sent in chunks gets back, read with node:http (a client that buffers nothing). */
interface ChunkedAnswer {
  status: number;
  connection: string | undefined;
  body: any;
  /** Bytes the client had handed to the socket when the answer came. */
  written: number;
  /** Whether the server closed the connection within its lingering time after answering. */
  closed: boolean;
}

function sendChunked(
  url: string,
  token: string,
  totalBytes: number,
  opts: { method: string; contentType: string; fill: number },
): Promise<ChunkedAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: opts.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': opts.contentType, 'transfer-encoding': 'chunked' },
    });
    const chunk = Buffer.alloc(256 * 1024, opts.fill);
    let written = 0;
    let answered = false;
    const pump = () => {
      while (!answered && written < totalBytes) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    // Once answered, the server may close while this side still sends: EPIPE or ECONNRESET are expected then.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.on('response', (res) => {
      answered = true;
      const socket = res.socket;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        // The server reads on for at most LINGER_MS after answering, then closes whatever the client does.
        const timer = setTimeout(() => finish(false), LINGER_MS + 2_000);
        const finish = (closed: boolean) => {
          clearTimeout(timer);
          resolve({ status: res.statusCode!, connection: res.headers.connection, body: JSON.parse(text), written, closed });
        };
        if (socket.destroyed) finish(true);
        else if (res.headers.connection !== 'close') finish(false);
        else socket.once('close', () => finish(true));
      });
    });
    pump();
  });
}

/** Every size limit names itself (what, how large, which setting) and the field to fix; no server path reaches a submitter. */
describe('limits and the messages that name them', () => {
  let stack: TestStack;
  let assetsRoot: string;
  beforeAll(async () => {
    assetsRoot = await mkdtemp(join(tmpdir(), 'genbench-no-assets-'));
    stack = await startStack({
      runners: 0,
      config: {
        maxUploadBytes: 2 * MB,
        maxJsonBytes: 1 * MB,
        assets: {
          referenceDir: join(assetsRoot, 'reference'),
          modelsDir: join(assetsRoot, 'models'),
          datasetsDir: join(assetsRoot, 'datasets'),
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    if (assetsRoot) await rm(assetsRoot, { recursive: true, force: true });
  });

  it('answers an over-limit JSON body with the JSON limit, its setting and path body', async () => {
    const res = await fetch(`${stack.baseUrl}/api/admin/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1.5 * MB), role: 'submitter', owner: 'o' }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as any;
    expect(body.message).toBe("the JSON body is larger than this server's limit of 1 MB (GENBENCH_MAX_JSON_MB)");
    expect(body.issues).toEqual([{ path: 'body', message: 'larger than 1 MB' }]);
  });

  it('answers an over-limit chunked JSON body with 413 naming the JSON limit', async () => {
    // body-parser reads the rest of the body (discarding it) before answering; this client sends it all.
    const answer = await sendChunked(`${stack.baseUrl}/api/admin/tokens`, stack.adminToken, 3 * MB, {
      method: 'POST',
      contentType: 'application/json',
      fill: 0x20,
    });
    expect(answer.status).toBe(413);
    expect(answer.body.message).toBe("the JSON body is larger than this server's limit of 1 MB (GENBENCH_MAX_JSON_MB)");
    expect(answer.body.issues).toEqual([{ path: 'body', message: 'larger than 1 MB' }]);
  });

  it('answers an over-limit model file and decoder with the upload limit, at file and decoder', async () => {
    const big = new Uint8Array(2.5 * MB);
    const file = await submitModel(stack, stack.submitterToken, big, { name: 'too-big' });
    expect(file.status).toBe(413);
    expect(file.body.message).toBe("the uploaded file is larger than this server's limit of 2 MB (GENBENCH_MAX_UPLOAD_MB)");
    expect(file.body.issues).toEqual([{ path: 'file', message: 'larger than 2 MB' }]);

    const form = new FormData();
    form.append('manifest', JSON.stringify({ name: 'big-decoder' }));
    form.append('file', new Blob([new Uint8Array(16)]), 'model.onnx');
    form.append('decoder', new Blob([big]), 'decoder.onnx');
    const res = await fetch(`${stack.baseUrl}/api/models`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${stack.submitterToken}` },
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as any;
    expect(body.message).toBe("the decoder is larger than this server's limit of 2 MB (GENBENCH_MAX_UPLOAD_MB)");
    expect(body.issues).toEqual([{ path: 'decoder', message: 'larger than 2 MB' }]);
  });

  it('answers an over-limit sample grid with the grid limit at path grid', async () => {
    const res = await fetch(`${stack.baseUrl}/api/runner/evaluations/${randomUUID()}/sample-grid`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.runnerToken}`, 'content-type': 'image/png' },
      body: new Uint8Array(MAX_GRID_BYTES + 1),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as any;
    expect(body.message).toMatch(/^the sample grid is larger than this server's limit of 16 MB \(fixed/);
    expect(body.issues).toEqual([{ path: 'grid', message: 'larger than 16 MB' }]);
  });

  it('answers an over-limit chunked sample grid with 413 and closes the connection', async () => {
    const answer = await sendChunked(`${stack.baseUrl}/api/runner/evaluations/${randomUUID()}/sample-grid`, stack.runnerToken, 64 * MB, {
      method: 'PUT',
      contentType: 'image/png',
      fill: 7,
    });
    expect(answer.status).toBe(413);
    expect(answer.body.issues).toEqual([{ path: 'grid', message: 'larger than 16 MB' }]);
    expect(answer.connection).toBe('close');
    expect(answer.closed).toBe(true);
    // Refused as the limit passed, not after reading all 64 MB (what is in flight in socket buffers aside).
    expect(answer.written).toBeLessThan(40 * MB);
    // The server is still there for the next request.
    expect((await fetch(`${stack.baseUrl}/api/health`)).status).toBe(200);
  });

  it('names the missing files and the setting of their directory to submitters, never a server path', async () => {
    const suites = (await getJson(stack, '/api/suites')) as Array<{ id: string; available: boolean; unavailableReason: string | null }>;
    const unavailable = suites.filter((s) => !s.available);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const s of unavailable) {
      expect(s.unavailableReason, s.id).not.toContain(assetsRoot);
      expect(s.unavailableReason, s.id).toMatch(/\$GENBENCH_(REFERENCE|MODELS|DATASETS)_DIR/);
    }
    const coco = unavailable.find((s) => s.id === 'cocostuff27-dataset')!;
    expect(coco.unavailableReason).toContain('$GENBENCH_DATASETS_DIR/cocostuff/curated/val2017/');
    const withReference = unavailable.find((s) => /download it from \S+ and put it in \$GENBENCH_REFERENCE_DIR/.test(s.unavailableReason!));
    expect(withReference, 'a suite missing a reference batch').toBeDefined();
    // An LPIPS network by path counts as a file the suite needs: one the export script makes, in the models directory.
    const handbags = unavailable.find((s) => s.id === 'edges2handbags-64')!;
    expect(handbags.unavailableReason).toContain(
      'lpips/lpips_vgg.json missing: make it with `python scripts/export_lpips.py --net vgg --out-dir $GENBENCH_MODELS_DIR/lpips`',
    );

    // Admins see where this server looks.
    const asAdmin = (await getJson(stack, `/api/suites/${coco.id}`, stack.adminToken)) as { unavailableReason: string };
    expect(asAdmin.unavailableReason).toContain(join(assetsRoot, 'datasets'));

    // The warnings of a submission queued around unavailable suites.
    const r = await submitModel(
      stack,
      stack.submitterToken,
      buildConstantSegmenter({ inputSize: 32 }),
      segmenterManifest('no-paths', 32, 'segments'),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const warnings = (r.body.warnings as string[]).filter((w) => w.includes('unavailable on this server'));
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) {
      expect(w).not.toContain(assetsRoot);
      expect(w).toContain('$GENBENCH_DATASETS_DIR');
    }
    expect(JSON.stringify(r.body)).not.toContain(assetsRoot);
  });
});
