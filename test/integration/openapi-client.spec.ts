import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from '@hey-api/openapi-ts';
import AjvDraft04 from 'ajv-draft-04';
import { default as formats } from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyGenerator } from '../../runner/src/onnx/models/tiny-generator.js';
import { type TestStack, startStack } from '../support/stack.js';

const run = promisify(execFile);

/**
 * A client generated from the served OpenAPI document (issue #12.4), by a standard generator
 * (@hey-api/openapi-ts: fetch client, types, SDK), type-checked with tsc together with a small driver, then
 * used for the whole loop: submit a model (multipart, with the manifest typed by its kind), follow its
 * evaluation to the end, find it on the leaderboard. Each response is also checked against the document's
 * schema for that operation and status.
 */
const DRIVER = `
import { createClient } from './client/client/index.js';
import { evaluationsControllerGet, leaderboardControllerBoards, modelsControllerSubmit } from './client/sdk.gen.js';
import type { DuplicateSubmission, Evaluation, LeaderboardBoard, LeaderboardEntry, Manifest, SubmitResult } from './client/types.gen.js';

export interface Exchange {
  operation: string;
  status: number;
  body: unknown;
}

export async function drive(opts: {
  baseUrl: string;
  token: string;
  model: Uint8Array<ArrayBuffer>;
  name: string;
  suite: string;
}): Promise<{
  submitted: SubmitResult;
  duplicate: DuplicateSubmission | undefined;
  final: Evaluation;
  board: LeaderboardBoard | undefined;
  entry: LeaderboardEntry | undefined;
  exchanges: Exchange[];
}> {
  const client = createClient({ baseUrl: opts.baseUrl });
  const exchanges: Exchange[] = [];
  const manifest: Manifest = {
    name: opts.name,
    kind: 'generator',
    resolution: 32,
    classes: 0,
    inputs: { noise: 'z' },
    outputs: { images: 'images' },
    noise_dim: 64,
    output_range: [-1, 1],
  };
  const sub = await modelsControllerSubmit({
    client,
    auth: opts.token,
    body: { file: new Blob([opts.model]), manifest, visibility: 'public' },
  });
  exchanges.push({ operation: 'ModelsController_submit', status: (sub.response?.status ?? 0), body: sub.data ?? sub.error });
  if (!sub.data) throw new Error('submit: ' + (sub.response?.status ?? 0) + ' ' + JSON.stringify(sub.error));
  const submitted: SubmitResult = sub.data;
  const evaluationId: string = submitted.evaluations[0]!.id;

  // The same file and manifest again: the documented 409 names the stored version.
  const dup = await modelsControllerSubmit({
    client,
    auth: opts.token,
    body: { file: new Blob([opts.model]), manifest, visibility: 'public' },
  });
  exchanges.push({ operation: 'ModelsController_submit', status: (dup.response?.status ?? 0), body: dup.error });
  const duplicate = dup.response?.status === 409 ? (dup.error as DuplicateSubmission) : undefined;

  let final: Evaluation | undefined;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
    const got = await evaluationsControllerGet({ client, path: { id: evaluationId } });
    if (!got.data) throw new Error('status: ' + (got.response?.status ?? 0) + ' ' + JSON.stringify(got.error));
    if (got.data.status !== 'queued' && got.data.status !== 'running') {
      exchanges.push({ operation: 'EvaluationsController_get', status: (got.response?.status ?? 0), body: got.data });
      final = got.data;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!final) throw new Error('evaluation ' + evaluationId + ' did not finish');

  const boards = await leaderboardControllerBoards({ client, query: { suite: opts.suite, limit: 1000 } });
  exchanges.push({ operation: 'LeaderboardController_boards', status: (boards.response?.status ?? 0), body: boards.data ?? boards.error });
  if (!boards.data) throw new Error('leaderboard: ' + (boards.response?.status ?? 0));
  const board = boards.data.boards.find((b) => b.suite.id === opts.suite);
  const entry = board?.entries.find((e) => e.model.name === opts.name && e.evaluationId === evaluationId);

  // An error response is typed too: a bad query gets the documented 400 with its issues.
  const bad = await leaderboardControllerBoards({ client, query: { suite: opts.suite, limit: 0 } });
  exchanges.push({ operation: 'LeaderboardController_boards', status: (bad.response?.status ?? 0), body: bad.error });

  return { submitted, duplicate, final, board, entry, exchanges };
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: [],
  },
  include: ['driver.ts', 'client/**/*.ts'],
};

interface DriveOptions {
  baseUrl: string;
  token: string;
  model: Uint8Array;
  name: string;
  suite: string;
}
/** What the driver returns, as the test reads it (the driver itself is checked against the generated types). */
interface Driven {
  submitted: { model: unknown; version: { id: string }; evaluations: Array<{ suite: { id: string } }> };
  duplicate?: { existing?: { versionId: string } };
  final: { status: string; failureReason: string | null; metrics: Record<string, number> };
  board?: { suite: { primaryMetric: string } };
  entry?: { metrics: Record<string, number>; modelVersionId: string };
  exchanges: Array<{ operation: string; status: number; body: unknown }>;
}

type Doc = {
  paths: Record<
    string,
    Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: object;
};

describe('a client generated from /api/openapi.json', () => {
  let stack: TestStack;
  let dir: string;
  let doc: Doc;
  beforeAll(async () => {
    stack = await startStack({ runners: 1 });
    dir = join(stack.dataDir, 'openapi-client');
    await mkdir(dir, { recursive: true });
    const res = await fetch(`${stack.baseUrl}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('type-checks, and drives submit → status → leaderboard against the real stack', async () => {
    await createClient({
      input: structuredClone(doc) as never,
      output: { path: join(dir, 'client') },
      plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
      logs: { level: 'silent' },
    } as never);
    await writeFile(join(dir, 'driver.ts'), DRIVER);
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    const tsc = resolve('node_modules/typescript/bin/tsc');
    const checked = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).then(
      () => '',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}` || 'tsc failed',
    );
    expect(checked).toBe('');

    const { drive } = (await import(join(dir, 'driver.ts'))) as { drive: (opts: DriveOptions) => Promise<Driven> };
    const model = buildTinyGenerator({ noiseDim: 64, resolution: 32, classes: 0, seed: 7, quality: 1 });
    const out = await drive({ baseUrl: stack.baseUrl, token: stack.submitterToken, model, name: 'openapi-client', suite: 'smoke-32' });

    expect(out.submitted.model).toMatchObject({ name: 'openapi-client', owner: stack.owner, kind: 'generator' });
    expect(out.submitted.evaluations.map((e) => e.suite.id)).toEqual(['smoke-32']);
    expect(out.duplicate?.existing?.versionId).toBe(out.submitted.version.id);
    expect(out.final.status, out.final.failureReason ?? '').toBe('succeeded');
    expect(out.board?.suite.primaryMetric).toBe('fid');
    expect(out.entry?.metrics.fid).toBe(out.final.metrics.fid);
    expect(out.entry?.modelVersionId).toBe(out.submitted.version.id);

    // Each response matches the document's schema for its operation and status.
    const ajv = new AjvDraft04.default({ strict: false, allErrors: true });
    formats.default(ajv);
    const statuses = out.exchanges.map((x) => `${x.operation} ${x.status}`);
    expect(statuses).toEqual([
      'ModelsController_submit 201',
      'ModelsController_submit 409',
      'EvaluationsController_get 200',
      'LeaderboardController_boards 200',
      'LeaderboardController_boards 400',
    ]);
    for (const x of out.exchanges) {
      const op = Object.values(doc.paths)
        .flatMap((p) => Object.values(p))
        .find((o) => o.operationId === x.operation)!;
      const schema = op.responses[String(x.status)]?.content?.['application/json']?.schema;
      expect(schema, `${x.operation} ${x.status} is documented`).toBeDefined();
      const validate = ajv.compile({ ...schema, components: doc.components });
      expect(validate(x.body) ? [] : validate.errors, `${x.operation} ${x.status}`).toEqual([]);
    }
  });
});
