import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  InternalServerErrorException,
  Logger,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { map } from 'rxjs';
import { z } from 'zod';

/**
 * The OpenAPI document is generated from the zod schemas that validate requests and shape responses:
 * zod 4's own JSON Schema output (target OpenAPI 3.0), fed to @nestjs/swagger. Responses go through
 * @nestjs/swagger 12's Standard Schema support (`ApiResponse({ standardSchema })`, converted by
 * `zodToOpenApi`); parameters and bodies are declared explicitly from the same schemas, because
 * @nestjs/swagger finds implicit parameters through `design:paramtypes`, which tsx (esbuild) does not emit.
 */

type SchemaObject = Record<string, unknown>;
type Io = 'input' | 'output';

/** Named schemas become `#/components/schemas/<id>` (and named types in generated clients). */
const named = z.registry<{ id: string; description?: string }>();
/** Components met while converting parameters, bodies and hand-written responses (the others go through @nestjs/swagger). */
export const inputComponents: Record<string, SchemaObject> = {};

/** Gives a schema a component name in the OpenAPI document. Returns the schema itself. */
export function apiSchema<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  named.add(schema, description ? { id, description } : { id });
  return schema;
}

/** zod → OpenAPI 3.0 Schema Object plus the named components it refers to. */
export function zodToOpenApi(schema: z.ZodType, io: Io): { schema: SchemaObject; components: Record<string, SchemaObject> } {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    metadata: named,
    unrepresentable: 'any',
    override: (ctx) => {
      const type = ctx.zodSchema._zod.def.type;
      // `.describe()` writes to zod's global registry, which `metadata: named` replaces here.
      const description = z.globalRegistry.get(ctx.zodSchema)?.description;
      if (description && ctx.jsonSchema.description === undefined) ctx.jsonSchema.description = description;
      // On the wire a Date is its ISO 8601 string (JSON.stringify), a file is a multipart part.
      if (type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
      if (type === 'file') {
        for (const k of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[k];
        Object.assign(ctx.jsonSchema, { type: 'string', format: 'binary' });
      }
    },
  }) as SchemaObject;
  const { definitions, $schema: _, ...root } = json as { definitions?: Record<string, SchemaObject>; $schema?: unknown };
  return { schema: rewriteRefs(root) as SchemaObject, components: rewriteRefs(definitions ?? {}) as Record<string, SchemaObject> };
}

/**
 * Points $refs at components, and lists null in a nullable enum: OpenAPI 3.0.3 says `nullable` does not
 * widen an `enum`, so a nullable enum field (e.g. an evaluation's failureKind) must name null itself.
 */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== 'object') return value;
  const out = Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', '#/components/schemas/') : rewriteRefs(v),
    ]),
  );
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

function inputSchema(schema: z.ZodType): SchemaObject {
  const converted = zodToOpenApi(schema, 'input');
  Object.assign(inputComponents, converted.components);
  return converted.schema;
}

/** Declares every field of a query schema as a query parameter (with its type, bounds, default, enum). */
export function ApiZodQuery(schema: z.ZodObject): MethodDecorator {
  const json = inputSchema(schema) as { properties?: Record<string, SchemaObject>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, prop]) =>
      ApiQuery({
        name,
        required: json.required?.includes(name) ?? false,
        schema: prop,
        ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
      }),
    ),
  );
}

/** Declares a path parameter with the schema its value is parsed with. */
export function ApiZodParam(name: string, schema: z.ZodType, description?: string): MethodDecorator {
  return ApiParam({ name, required: true, schema: inputSchema(schema), ...(description ? { description } : {}) });
}

/** Declares a JSON request body with the schema it is parsed with. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  return ApiBody({ required: true, schema: inputSchema(schema), ...(description ? { description } : {}) });
}

/**
 * Declares a multipart/form-data body. Parts that are JSON text (e.g. the manifest) are declared with their
 * object schema and `encoding: application/json`, as OpenAPI 3.0 describes such parts.
 */
export function ApiZodMultipart(schema: z.ZodObject, jsonParts: string[] = []): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      required: true,
      schema: inputSchema(schema),
      encoding: Object.fromEntries(jsonParts.map((p) => [p, { contentType: 'application/json' }])),
    }),
  );
}

const RESPONSE_SCHEMA = 'genbench:response-schema';

/**
 * Validates (and so shapes) what a handler returns with its declared response schema. A mismatch is a bug
 * on our side: it is logged with the offending fields and answered 500, never sent as if it were documented.
 */
@Injectable()
export class ZodResponseInterceptor implements NestInterceptor {
  private readonly log = new Logger('responses');

  intercept(ctx: ExecutionContext, next: CallHandler) {
    const schema = Reflect.getMetadata(RESPONSE_SCHEMA, ctx.getHandler()) as z.ZodType | undefined;
    if (!schema) return next.handle();
    return next.handle().pipe(
      map((value: unknown) => {
        const res = schema.safeParse(value);
        if (res.success) return res.data;
        const where = `${ctx.getClass().name}.${ctx.getHandler().name}`;
        this.log.error(
          `${where} returned a body that does not match its documented schema: ` +
            res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
        );
        throw new InternalServerErrorException('internal error: the response did not match its documented schema');
      }),
    );
  }
}

/**
 * Declares a JSON response by its zod schema, and validates the handler's result against it; with
 * `writtenByHandler`, the handler writes the body itself (`@Res()`) and has validated it with the same
 * schema (e.g. once per cached rendering), so only the declaration is made.
 */
export function ApiZodResponse(
  schema: z.ZodType,
  opts: { status?: number; description?: string; headers?: Record<string, string>; writtenByHandler?: boolean } = {},
): MethodDecorator {
  const headers = Object.fromEntries(
    Object.entries(opts.headers ?? {}).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]),
  );
  return applyDecorators(
    ApiResponse({
      status: opts.status ?? 200,
      description: opts.description ?? 'OK',
      standardSchema: schema,
      ...(opts.headers ? { headers } : {}),
    }),
    ...(opts.writtenByHandler ? [] : [SetMetadata(RESPONSE_SCHEMA, schema), UseInterceptors(ZodResponseInterceptor)]),
  );
}

/**
 * Declares a response that the handler writes itself (`@Res()`), so nothing validates it on the way out:
 * per media type, a zod schema (JSON) or a plain Schema Object (CSV text, binary).
 */
export function ApiContentResponse(content: Record<string, z.ZodType | SchemaObject>, description: string, status = 200): MethodDecorator {
  const schemaOf = (s: z.ZodType | SchemaObject) => {
    if (!(s instanceof z.ZodType)) return s;
    const converted = zodToOpenApi(s, 'output');
    Object.assign(inputComponents, converted.components);
    return converted.schema;
  };
  return ApiResponse({
    status,
    description,
    content: Object.fromEntries(Object.entries(content).map(([m, s]) => [m, { schema: schemaOf(s) }])),
  });
}

/** Declares a non-JSON response (a PNG, a file, CSV) by media type. */
export function ApiFileResponse(mediaTypes: string[], description: string, status = 200): MethodDecorator {
  return ApiResponse({
    status,
    description,
    content: Object.fromEntries(mediaTypes.map((m) => [m, { schema: { type: 'string', format: 'binary' } }])),
  });
}

const Issue = z.object({ path: z.string(), message: z.string() });

/** Every error body: Nest's `{ statusCode, message }`, with `issues` naming the offending fields where known. */
export const ErrorBody = apiSchema(
  'Error',
  z.looseObject({
    statusCode: z.number().int(),
    message: z.union([z.string(), z.array(z.string())]),
    error: z.string().optional(),
    issues: z.array(Issue).optional(),
  }),
  'An error: `message` says what went wrong in words; `issues` (when present) lists each offending field.',
);
export const ValidationErrorBody = apiSchema(
  'ValidationError',
  z.looseObject({ statusCode: z.literal(400), message: z.string(), error: z.string().optional(), issues: z.array(Issue) }),
  'A request that failed validation: `issues` lists each offending field (`path`, dotted) and what is wrong with it.',
);

export const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid: `issues` names each offending parameter or field.',
  401: 'No token, or a token that is unknown, expired or revoked.',
  403: 'The token is valid but of a role this operation does not accept.',
  404: 'Not found (or private and not yours).',
  409: 'Conflicts with the current state (see `message`).',
  413: 'The body or an uploaded file exceeds the server limit named in `message`.',
  415: 'Wrong Content-Type.',
  429: 'Too many requests, or too many failed authentications, from this address: retry after `Retry-After` seconds.',
  503: 'The database is unavailable: nothing was written; retry after `Retry-After` seconds.',
};

/** react-admin's data provider reads a list's total from this header (exposed to browsers). */
export const CONTENT_RANGE = { 'Content-Range': '`<resource> <offset>-<offset + items>/<total>`, the same total as the body' };

/** Declares error responses (beyond the ones added to every operation by `buildOpenApiDocument`). */
export function ApiErrors(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_TEXT[status] ?? 'Error', standardSchema: status === 400 ? ValidationErrorBody : ErrorBody }),
    ),
  );
}
