import type { AuthProvider } from 'react-admin';
import type { Whoami } from '../api-types';
import { dataProvider } from '../data-provider';
import { forgetToken, readToken } from './token-store';

/**
 * Reading needs no token, so nobody is ever sent to a login page: the auth provider only says who the
 * stored token belongs to (`usePermissions()` gives its whoami, or null without a valid token), which
 * decides what the menu offers. A 401 or 403 from the API is shown where it happened and logs nobody out.
 */
const known = new Map<string, Promise<Whoami | null>>();

export function whoamiOfStoredToken(): Promise<Whoami | null> {
  const token = readToken();
  if (!token) return Promise.resolve(null);
  let p = known.get(token);
  if (!p) {
    p = dataProvider.whoami(token).catch((err: { status?: number }) => {
      // Only a verdict on the token is worth remembering; a network fault is asked again next time.
      if (err?.status !== 401 && err?.status !== 403) known.delete(token);
      return null;
    });
    known.set(token, p);
  }
  return p;
}

/** A whoami the page already asked for (the token field's check), so the menu need not ask again. */
export function rememberWhoami(token: string, me: Whoami): void {
  known.set(token.trim(), Promise.resolve(me));
}

export const authProvider: AuthProvider = {
  login: () => Promise.resolve(),
  logout: () => {
    forgetToken();
    return Promise.resolve(false);
  },
  checkAuth: () => Promise.resolve(),
  checkError: () => Promise.resolve(),
  getPermissions: () => whoamiOfStoredToken(),
  getIdentity: async () => {
    const me = await whoamiOfStoredToken();
    return me ? { id: me.owner, fullName: `${me.owner} (${me.role})` } : { id: '' };
  },
};
