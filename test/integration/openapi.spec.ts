import { Validator } from '@seriousme/openapi-schema-validator';
import AjvDraft04 from 'ajv-draft-04';
import { default as formats } from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes } from '../../api/src/common/openapi-document.js';
import { Manifest } from '../../contracts/manifest/manifest.schemas.js';
import { type TestStack, startStack } from '../support/stack.js';

type Operation = {
  operationId?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  security?: Array<Record<string, string[]>>;
  'x-roles'?: string[];
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
};

/** Every `$ref` in the document, with where it is. */
function refs(value: unknown, at = '#'): Array<{ at: string; ref: string }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refs(v, `${at}/${k}`)));
}

/**
 * The served OpenAPI document (issue #12.4): a valid OpenAPI document (checked with a standard validator),
 * and complete: every route Nest registered is in it with its path and query parameters, its body, a
 * success response with a schema, the errors it can give and the token roles it needs.
 */
describe('OpenAPI document', () => {
  let stack: TestStack;
  let doc: Doc;
  beforeAll(async () => {
    stack = await startStack({ runners: 0 });
    const res = await fetch(`${stack.baseUrl}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('is served at /api/openapi.json beside the Swagger UI at /api/docs', async () => {
    const ui = await fetch(`${stack.baseUrl}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('passes a standard OpenAPI schema validator, and every $ref resolves', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res.errors ?? [], JSON.stringify(res.errors, null, 1)?.slice(0, 4000)).toEqual([]);
    expect(res.valid).toBe(true);
    const unresolved = refs(doc).filter(({ ref }) => {
      const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
      return !m || !(m[1]! in doc.components.schemas);
    });
    expect(unresolved).toEqual([]);
  });

  it('describes the bearer token as an opaque gb_ token, not a JWT', () => {
    const schemes = Object.values(doc.components.securitySchemes);
    expect(schemes).toHaveLength(1);
    expect(schemes[0]).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes[0]!.bearerFormat).toMatch(/^gb_.*opaque/);
    expect(schemes[0]!.description).toMatch(/opaque/);
  });

  it('declares every route Nest registered: parameters, body, responses and roles', () => {
    const routes = listRoutes(stack.app);
    expect(routes.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const r of routes) {
      const where = `${r.method.toUpperCase()} ${r.path} (${r.controller}.${r.handler})`;
      const op = doc.paths[r.path]?.[r.method];
      if (!op) {
        problems.push(`${where}: not in the document`);
        continue;
      }
      const params = op.parameters ?? [];
      for (const p of r.pathParams) {
        const decl = params.find((x) => x.in === 'path' && x.name === p);
        if (!decl?.schema) problems.push(`${where}: path parameter "${p}" is not declared with a schema`);
      }
      for (const read of r.reads) {
        if (read.in === 'query' && !params.some((x) => x.in === 'query' && (read.name === undefined || x.name === read.name)))
          problems.push(`${where}: reads the query string but declares no query parameter`);
        if (read.in === 'body' && !op.requestBody?.content) problems.push(`${where}: reads a body but declares none`);
      }
      for (const p of params) if (!p.schema) problems.push(`${where}: parameter "${p.name}" has no schema`);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        if (!media.schema) problems.push(`${where}: request body ${type} has no schema`);
      const ok = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
      if (ok.length === 0) problems.push(`${where}: no success response`);
      for (const [status, resp] of ok) {
        const media = Object.values(resp.content ?? {});
        if (media.length === 0 || media.some((m) => !m.schema)) problems.push(`${where}: response ${status} has no schema`);
      }
      for (const [status, resp] of Object.entries(op.responses).filter(([s]) => /^[45]\d\d$/.test(s))) {
        const schema = resp.content?.['application/json']?.schema;
        if (!schema) problems.push(`${where}: error ${status} has no schema`);
      }
      if (params.length > 0 || op.requestBody) if (!op.responses['400']) problems.push(`${where}: takes input but declares no 400`);
      if (r.pathParams.length > 0 && !op.responses['404']) problems.push(`${where}: has a path parameter but declares no 404`);
      if (!op.responses['429'] || !op.responses['503']) problems.push(`${where}: declares no 429 or no 503`);
      if (op.requestBody && !op.responses['413']) problems.push(`${where}: takes a body but declares no 413`);
      if (r.roles) {
        if (JSON.stringify(op.security) !== JSON.stringify([{ bearer: [] }]))
          problems.push(`${where}: needs a token but security says otherwise`);
        if (JSON.stringify(op['x-roles']) !== JSON.stringify(r.roles)) problems.push(`${where}: x-roles ≠ @Roles(${r.roles.join(', ')})`);
        if (!op.responses['401'] || !op.responses['403']) problems.push(`${where}: needs a token but declares no 401/403`);
      } else if (!op.security?.some((s) => Object.keys(s).length === 0)) problems.push(`${where}: public but security requires a token`);
    }
    // Nothing in the document that Nest does not route.
    for (const [path, ops] of Object.entries(doc.paths))
      for (const method of Object.keys(ops))
        if (!routes.some((r) => r.path === path && r.method === method))
          problems.push(`${method.toUpperCase()} ${path}: documented, not routed`);
    expect(problems).toEqual([]);
  });

  it('declares the submit form: file, decoder, classifier, text_encoder, tokenizer, visibility, and the manifest with one schema per kind', () => {
    const body = doc.paths['/api/models']!.post!.requestBody as {
      content: Record<string, { schema: { properties: Record<string, any>; required: string[] }; encoding?: Record<string, unknown> }>;
    };
    const form = body.content['multipart/form-data']!;
    expect(Object.keys(form.schema.properties).sort()).toEqual([
      'classifier',
      'decoder',
      'file',
      'manifest',
      'text_encoder',
      'tokenizer',
      'visibility',
    ]);
    expect(form.schema.required.sort()).toEqual(['file', 'manifest']);
    expect(form.schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(form.schema.properties.visibility).toMatchObject({ enum: ['public', 'private'], default: 'public' });
    expect(form.encoding).toMatchObject({ manifest: { contentType: 'application/json' } });
    const manifest = doc.components.schemas[(form.schema.properties.manifest.$ref as string).split('/').pop()!] as {
      oneOf: Array<{ properties: { kind: { enum: string[] } } }>;
    };
    expect(manifest.oneOf.map((o) => o.properties.kind.enum[0]).sort()).toEqual(Manifest.options.map((o) => o.shape.kind.value).sort());
    const responses = doc.paths['/api/models']!.post!.responses;
    expect(JSON.stringify(responses['409'])).toContain('#/components/schemas/DuplicateSubmission');
    expect(doc.paths['/api/models']!.get!.responses['200']).toMatchObject({ headers: { 'Content-Range': { schema: { type: 'string' } } } });
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '429', '503']);
  });

  it('answers every parameterless GET with a body its documented schema accepts', async () => {
    const ajv = new AjvDraft04.default({ strict: false, allErrors: true });
    formats.default(ajv);
    const gets = listRoutes(stack.app).filter((r) => r.method === 'get' && r.pathParams.length === 0);
    const suites = (await (await fetch(`${stack.baseUrl}/api/suites`)).json()) as Array<{ id: string }>;
    const paths = [...gets.map((r) => r.path), `/api/suites/${suites[0]!.id}`];
    const checked: string[] = [];
    for (const path of paths) {
      const template = path.startsWith('/api/suites/') ? '/api/suites/{id}' : path;
      const res = await fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
      if (!res.headers.get('content-type')?.startsWith('application/json')) continue;
      const schema = doc.paths[template]!.get!.responses[String(res.status)]?.content?.['application/json']?.schema;
      expect(schema, `GET ${path} → ${res.status} is documented`).toBeDefined();
      const validate = ajv.compile({ ...(schema as object), components: doc.components });
      const body: unknown = await res.json();
      expect(validate(body) ? [] : validate.errors, `GET ${path} → ${res.status}`).toEqual([]);
      checked.push(`${path} ${res.status}`);
    }
    expect(checked).toContain('/api/leaderboards 200');
    expect(checked).toContain('/api/suites 200');
  });

  it('declares list parameters with their types and bounds', () => {
    const params = doc.paths['/api/evaluations']!.get!.parameters!;
    expect(params.map((p) => p.name).sort()).toEqual(['ids', 'limit', 'modelId', 'offset', 'owner', 'status', 'suiteId', 'trigger'].sort());
    expect(params.find((p) => p.name === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 500 },
    });
    expect(params.find((p) => p.name === 'status')?.schema).toMatchObject({
      enum: ['queued', 'running', 'succeeded', 'failed', 'cancelled'],
    });
  });
});
