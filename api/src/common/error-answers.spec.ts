import { describe, expect, it } from 'vitest';
import { Prisma } from '../generated/prisma/client.js';
import { isDatabaseUnavailable, prismaErrorAnswer } from './prisma-errors.js';
import { requestErrorAnswer } from './request-errors.js';

const known = (code: string) => new Prisma.PrismaClientKnownRequestError(`prisma ${code}`, { code, clientVersion: 'test' });

describe('Prisma and database errors as HTTP', () => {
  it('maps unique violation, missing row and missing reference to 409, 404 and 400', () => {
    expect(prismaErrorAnswer(known('P2002'))).toEqual({ status: 409, body: { statusCode: 409, message: 'that record already exists' } });
    expect(prismaErrorAnswer(known('P2025'))).toEqual({ status: 404, body: { statusCode: 404, message: 'not found' } });
    expect(prismaErrorAnswer(known('P2003'))?.status).toBe(400);
  });

  it('answers 503 with Retry-After when the database is unreachable, found through causes', () => {
    const refused = new Error('query failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(prismaErrorAnswer(refused)).toEqual({
      status: 503,
      body: { statusCode: 503, message: 'the database is unavailable; retry shortly' },
      headers: { 'Retry-After': '5' },
    });
  });

  it('leaves every other error to the next mapping', () => {
    expect(prismaErrorAnswer(known('P2000'))).toBeUndefined();
    expect(prismaErrorAnswer(new Error('boom'))).toBeUndefined();
  });
});

describe('body-parser and multer errors as HTTP', () => {
  it('keeps their 4xx status and names a malformed JSON body', () => {
    const parse = Object.assign(new SyntaxError('Unexpected token } in JSON'), { status: 400, type: 'entity.parse.failed' });
    expect(requestErrorAnswer(parse)).toEqual({
      status: 400,
      body: { statusCode: 400, message: 'malformed JSON body: Unexpected token } in JSON' },
    });
    expect(requestErrorAnswer(Object.assign(new Error('too many fields'), { statusCode: 413 }))?.status).toBe(413);
  });

  it('answers a MulterError with 400 and ignores 5xx and other errors', () => {
    const multer = Object.assign(new Error('Unexpected field'), { name: 'MulterError' });
    expect(requestErrorAnswer(multer)).toEqual({
      status: 400,
      body: { statusCode: 400, message: 'bad multipart upload: Unexpected field' },
    });
    expect(requestErrorAnswer(Object.assign(new Error('x'), { status: 500 }))).toBeUndefined();
    expect(requestErrorAnswer(new Error('boom'))).toBeUndefined();
  });
});
