import { HttpError } from 'react-admin';
import type { ApiErrorBody } from '../api-types';

/**
 * An API rejection as react-admin form errors: each `issues` entry whose path names one of `fields` goes
 * under that input; everything else (another path, a 403, a network fault) is one general message.
 */
export function formErrors(err: unknown, fields: readonly string[]): { fields: Record<string, string>; general?: string } {
  if (!(err instanceof HttpError)) return { fields: {}, general: `could not reach the API: ${(err as Error)?.message ?? String(err)}` };
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
