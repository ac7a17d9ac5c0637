/**
 * The API token this browser uses, kept in localStorage so it survives reloads without being typed again.
 * The data provider sends it with every request (owners then see their private entries, admins everything).
 */
export const TOKEN_KEY = 'genbench.token';

export const readToken = (): string | undefined => localStorage.getItem(TOKEN_KEY)?.trim() || undefined;

export const storeToken = (token: string): void => localStorage.setItem(TOKEN_KEY, token.trim());

export const forgetToken = (): void => localStorage.removeItem(TOKEN_KEY);
