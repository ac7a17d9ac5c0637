import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { ROLES_KEY } from '../auth/auth.guard.js';
import { ERROR_TEXT, ErrorBody, ValidationErrorBody, inputComponents, zodToOpenApi } from './openapi.js';

/** One handler as Nest routes it: enough to check the document declares all of it. */
export interface RouteInfo {
  controller: string;
  handler: string;
  method: string;
  /** OpenAPI form: `/api/models/{id}`. */
  path: string;
  pathParams: string[];
  /** Argument kinds the handler reads: `query` (whole object or named), `param`, `body`. */
  reads: Array<{ in: 'query' | 'path' | 'body'; name?: string }>;
  roles: string[] | undefined;
  /** Handler and controller functions, for metadata lookups. */
  target: { cls: object; fn: object };
}

const METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.DELETE]: 'delete',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.OPTIONS]: 'options',
  [RequestMethod.HEAD]: 'head',
};

/** Every route Nest has registered, read from the controllers' metadata. */
export function listRoutes(app: NestExpressApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!cls) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, cls) ?? '');
      for (const key of Object.getOwnPropertyNames(cls.prototype)) {
        const fn = (cls.prototype as Record<string, unknown>)[key];
        if (key === 'constructor' || typeof fn !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        const sub = Reflect.getMetadata(PATH_METADATA, fn) as string | undefined;
        if (method === undefined || sub === undefined) continue;
        const path = ('/' + [prefix, sub].filter(Boolean).join('/')).replace(/\/+/g, '/').replace(/\/$/, '') || '/';
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, key) ?? {}) as Record<string, { data?: unknown }>;
        const reads: RouteInfo['reads'] = [];
        for (const [k, a] of Object.entries(args)) {
          const type = Number(k.split(':')[0]) as RouteParamtypes;
          const name = typeof a.data === 'string' ? a.data : undefined;
          if (type === RouteParamtypes.QUERY) reads.push({ in: 'query', name });
          if (type === RouteParamtypes.PARAM) reads.push({ in: 'path', name });
          if (type === RouteParamtypes.BODY) reads.push({ in: 'body', name });
        }
        routes.push({
          controller: cls.name,
          handler: key,
          method: METHODS[method] ?? String(method),
          path: path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
          pathParams: [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!),
          reads,
          roles: (Reflect.getMetadata(ROLES_KEY, fn) ?? Reflect.getMetadata(ROLES_KEY, cls)) as string[] | undefined,
          target: { cls, fn },
        });
      }
    }
  }
  return routes;
}

const TOKEN_DESCRIPTION =
  'An opaque API token, `gb_` followed by random characters (not a JWT: it carries no claims and is checked against ' +
  'the server, which stores only its hash). Admins issue them (`npm run token`, or POST /api/admin/tokens). ' +
  'A token has one role: `submitter`, `admin` or `runner`; each operation says which roles it accepts.';

type Operation = {
  operationId?: string;
  description?: string;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: Array<Record<string, string[]>>;
  'x-roles'?: string[];
};

/**
 * Builds the OpenAPI document: what the decorators declare, plus, per operation, its security (which token
 * roles it needs, or an optional token on public routes, where an owner also sees their private entries)
 * and the error responses every operation of its kind can give (400 for any input, 401/403 where a role is
 * needed, 404 for a path parameter, 413 for a body, 429 and 503 everywhere: the rate limits apply to every
 * route, and any route that reads the database answers 503 while it is unreachable).
 */
export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('genbench API')
    .setDescription(
      'Submit generative models, follow their evaluations, read leaderboards. Generated from the zod schemas ' +
        'that validate the requests and shape the responses. Errors are JSON `{ statusCode, message }`, with ' +
        '`issues: [{ path, message }]` on validation errors.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'gb_… opaque token', description: TOKEN_DESCRIPTION }, 'bearer')
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller}_${method}`,
    standardSchemaConverter: (schema, { schemaType }) => (schema instanceof z.ZodType ? zodToOpenApi(schema, schemaType) : undefined),
  });
  doc.components ??= {};
  doc.components.schemas = { ...inputComponents, ...doc.components.schemas };
  const errorRef = (status: number) => ({
    description: ERROR_TEXT[status] ?? 'Error',
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${status === 400 ? 'ValidationError' : 'Error'}` } } },
  });
  const converted = (s: z.ZodType) => zodToOpenApi(s, 'output').components;
  Object.assign(doc.components.schemas, converted(ErrorBody), converted(ValidationErrorBody));
  for (const route of listRoutes(app)) {
    const op = (doc.paths[route.path] as Record<string, Operation> | undefined)?.[route.method];
    if (!op) continue;
    if (route.roles) {
      op.security = [{ bearer: [] }];
      op['x-roles'] = route.roles;
      op.description = [op.description, `Needs a token of role ${route.roles.map((r) => `\`${r}\``).join(' or ')}.`]
        .filter(Boolean)
        .join('\n\n');
      op.responses['401'] ??= errorRef(401);
      op.responses['403'] ??= errorRef(403);
    } else {
      // Optional: anonymous callers see public entries, a token's owner (or an admin) sees more.
      op.security = [{}, { bearer: [] }];
      op.description = [op.description, 'No token needed; with one, its owner also sees their private entries (admins see all).']
        .filter(Boolean)
        .join('\n\n');
    }
    if ((op.parameters?.length ?? 0) > 0 || op.requestBody) op.responses['400'] ??= errorRef(400);
    if (route.pathParams.length > 0) op.responses['404'] ??= errorRef(404);
    if (op.requestBody) op.responses['413'] ??= errorRef(413);
    op.responses['429'] ??= errorRef(429);
    op.responses['503'] ??= errorRef(503);
  }
  return doc;
}

/** Serves the Swagger UI at /api/docs and the document itself at /api/openapi.json. */
export function setupOpenApi(app: NestExpressApplication): void {
  let doc: OpenAPIObject | undefined;
  SwaggerModule.setup('api/docs', app, () => (doc ??= buildOpenApiDocument(app)), { jsonDocumentUrl: 'api/openapi.json' });
}
