import { HttpError } from 'react-admin';
import { describe, expect, it } from 'vitest';
import { formErrors, withValidationErrors } from './form-errors';

const FIELDS = ['name', 'cron'] as const;

describe('form errors', () => {
  it('puts each issue under the input its path starts with, joining several, and the rest in one general message', () => {
    const err = new HttpError('bad', 400, {
      statusCode: 400,
      message: 'bad',
      issues: [
        { path: 'cron', message: 'not a cron expression' },
        { path: 'cron.fields', message: 'too many fields' },
        { path: 'other', message: 'unrecognized' },
        { path: '', message: 'body must be an object' },
      ],
    });
    expect(formErrors(err, FIELDS)).toEqual({
      fields: { cron: 'not a cron expression; too many fields' },
      general: 'other: unrecognized; body must be an object',
    });
  });

  it('says status and message when the API names no field', () => {
    expect(formErrors(new HttpError('x', 409, { statusCode: 409, message: ['already', 'exists'] }), FIELDS)).toEqual({
      fields: {},
      general: '409: already; exists',
    });
    expect(formErrors(new HttpError('Gateway Timeout', 504, null), FIELDS).general).toBe('504: Gateway Timeout');
  });

  it('adds body.errors to an HttpError and keeps its status and body; other errors pass through', () => {
    const err = new HttpError('bad', 400, { statusCode: 400, message: 'bad', issues: [{ path: 'name', message: 'required' }] });
    const out = withValidationErrors(err, FIELDS) as HttpError;
    expect(out).toBeInstanceOf(HttpError);
    expect(out.status).toBe(400);
    expect(out.body).toEqual({
      statusCode: 400,
      message: 'bad',
      issues: [{ path: 'name', message: 'required' }],
      errors: { name: 'required' },
    });
    const network = new TypeError('Failed to fetch');
    expect(withValidationErrors(network, FIELDS)).toBe(network);
  });
});
