import { HttpError } from 'react-admin';
import type { ApiErrorBody } from '../api-types';

export type Issue = { path: string; message: string };

/** Form errors keyed by input (`file`, `decoder`, `manifest`, `token`) plus whatever concerns none of them. */
export interface SubmissionErrors {
  fields: Partial<Record<'file' | 'decoder' | 'manifest' | 'token', string>>;
  issues: Issue[];
  general?: string;
  /** The API got past authentication, so the token is worth remembering. */
  tokenAccepted: boolean;
}

const fieldOf = (path: string): 'file' | 'decoder' | 'manifest' | undefined =>
  path === 'file' || path === 'decoder' ? path : path === 'manifest' || path.startsWith('manifest.') ? 'manifest' : undefined;

/**
 * Maps an API rejection onto the form: a 400's issues go next to the input they name (manifest issues
 * keep their field path, e.g. `manifest.noise_dim`), auth failures to the token, 413 to the file.
 */
export function submissionErrors(err: unknown): SubmissionErrors {
  if (!(err instanceof HttpError)) {
    return { fields: {}, issues: [], general: `could not reach the API: ${(err as Error)?.message ?? String(err)}`, tokenAccepted: false };
  }
  const body = (err.body ?? {}) as Partial<ApiErrorBody>;
  const message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? err.message);
  switch (err.status) {
    case 400: {
      // The issues themselves are listed under their input; the input's own error is a short pointer.
      const issues = body.issues?.length ? body.issues : [{ path: '', message }];
      const fields: SubmissionErrors['fields'] = {};
      for (const field of ['file', 'decoder', 'manifest'] as const) {
        const n = issues.filter((i) => fieldOf(i.path) === field).length;
        if (n > 0) fields[field] = n === 1 ? `rejected: see the problem below` : `rejected: see the ${n} problems below`;
      }
      const other = issues.filter((i) => !fieldOf(i.path)).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
      return { fields, issues, general: other.length ? other.join('; ') : undefined, tokenAccepted: true };
    }
    case 401:
      return { fields: { token: `rejected: ${message}` }, issues: [], tokenAccepted: false };
    case 403:
      return { fields: { token: `not allowed to submit: ${message}` }, issues: [], tokenAccepted: false };
    case 413:
      return { fields: { file: `too large: ${message}` }, issues: [], tokenAccepted: true };
    default:
      return { fields: {}, issues: [], general: `${err.status}: ${message}`, tokenAccepted: false };
  }
}
