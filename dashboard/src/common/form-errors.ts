import { HttpError } from 'react-admin';
import type { ApiErrorBody } from '../api-types';

/**
 * An API rejection as react-admin form errors: each `issues` entry whose path names one of `fields` goes
 * under that input; everything else (another path, a 403, a 409) is one general message.
 */
export function formErrors(err: HttpError, fields: readonly string[]): { fields: Record<string, string>; general?: string } {
  const body = (err.body ?? {}) as Partial<ApiErrorBody>;
  const message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? err.message);
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of body.issues ?? []) {
    const field = issue.path.split('.')[0] ?? '';
    if (fields.includes(field)) byField[field] = byField[field] ? `${byField[field]}; ${issue.message}` : issue.message;
    else other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  if (Object.keys(byField).length === 0 && other.length === 0) other.push(`${err.status}: ${message}`);
  return { fields: byField, general: other.length ? other.join('; ') : undefined };
}

/** What react-admin's forms read from a rejected save: one message per input, the rest as `root.serverError`. */
export type ValidationErrors = Record<string, string | { serverError: string }>;

/**
 * The same rejection with react-admin's server-side validation shape added (`body.errors`), so a form saved
 * through `useCreate`/`useUpdate` in pessimistic mode shows each issue under its input and the rest as the
 * form's root error. Anything but an HttpError (the API unreachable) passes through unchanged.
 */
export function withValidationErrors(err: unknown, fields: readonly string[]): unknown {
  if (!(err instanceof HttpError)) return err;
  const { fields: byField, general } = formErrors(err, fields);
  const errors: ValidationErrors = { ...byField, ...(general ? { root: { serverError: general } } : {}) };
  const body = typeof err.body === 'object' && err.body !== null ? (err.body as object) : {};
  return new HttpError(err.message, err.status, { ...body, errors });
}
