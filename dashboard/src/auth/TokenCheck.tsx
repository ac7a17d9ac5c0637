import CheckIcon from '@mui/icons-material/CheckCircleOutlined';
import WarningIcon from '@mui/icons-material/WarningAmber';
import { Box, Button, CircularProgress, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { HttpError, useDataProvider, useRefresh } from 'react-admin';
import type { ApiErrorBody, TokenRole, Whoami } from '../api-types';
import type { GenbenchDataProvider } from '../data-provider';
import { rememberWhoami } from './auth-provider';
import { readToken, storeToken } from './token-store';

export interface TokenCheck {
  token: string;
  setToken(token: string): void;
  /** Who the token belongs to, once the API said so for the token as typed now. */
  me?: Whoami;
  error?: string;
  setError(error: string | undefined): void;
  checking: boolean;
  /** Asks GET /api/auth/whoami; a token the API accepts is stored and the menu follows its role. */
  check(): Promise<Whoami | undefined>;
}

export function tokenErrorMessage(err: unknown): string {
  if (!(err instanceof HttpError)) return `could not reach the API: ${(err as Error)?.message ?? String(err)}`;
  const body = (err.body ?? {}) as Partial<ApiErrorBody>;
  const message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? err.message);
  return err.status === 401 ? `rejected: ${message}` : `${err.status}: ${message}`;
}

/** The token field's state; a stored token is checked as soon as the page opens. */
export function useTokenCheck(): TokenCheck {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const refresh = useRefresh();
  const [token, setTokenState] = useState(() => readToken() ?? '');
  const [state, setState] = useState<{ me?: Whoami; checkedToken?: string; error?: string; checking: boolean }>({ checking: false });

  const check = useCallback(async () => {
    const t = token.trim();
    if (!t) {
      setState({ checking: false, error: 'paste the token an admin issued you' });
      return undefined;
    }
    setState({ checking: true });
    try {
      const me = await dataProvider.whoami(t);
      rememberWhoami(t, me);
      setState({ checking: false, me, checkedToken: t });
      if (readToken() !== t) {
        storeToken(t);
        // Permissions, identity and every list (private entries) now depend on another token.
        refresh();
      }
      return me;
    } catch (err) {
      setState({ checking: false, error: tokenErrorMessage(err) });
      return undefined;
    }
  }, [dataProvider, refresh, token]);

  // Check a remembered token once, on arrival.
  const [initial] = useState(token);
  useEffect(() => {
    if (initial) void check();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on arrival: a token typed later is checked on demand
  }, []);

  return {
    token,
    setToken: (t) => {
      setTokenState(t);
      setState({ checking: false });
    },
    me: state.checkedToken === token.trim() ? state.me : undefined,
    error: state.error,
    setError: (error) => setState((s) => ({ ...s, error, me: undefined, checkedToken: undefined })),
    checking: state.checking,
    check,
  };
}

export const describeToken = (me: Whoami) =>
  `${me.role} token of ${me.owner} · ${me.dailyQuota == null ? 'no daily quota' : `daily quota ${me.dailyQuota} evaluation${me.dailyQuota === 1 ? '' : 's'}`}`;

/**
 * A password field with a Check button; says whose token it is, with its role and daily quota (in warning
 * colours when the page needs another role).
 */
export const TokenField = ({ check, label = 'API token', roles }: { check: TokenCheck; label?: string; roles?: TokenRole[] }) => (
  <Box>
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
      <TextField
        label={label}
        type="password"
        size="small"
        fullWidth
        autoComplete="off"
        value={check.token}
        onChange={(e) => check.setToken(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void check.check();
          }
        }}
        error={check.error != null}
        helperText={check.error ?? "Kept in this browser's localStorage; sent with every request."}
        slotProps={{ htmlInput: { 'data-testid': 'token-input' } }}
      />
      <Button
        variant="outlined"
        onClick={() => void check.check()}
        disabled={check.checking}
        data-testid="token-check"
        sx={{ height: 40, flexShrink: 0 }}
      >
        {check.checking ? <CircularProgress size={18} /> : 'Check'}
      </Button>
    </Box>
    {check.me && (
      <Typography
        variant="body2"
        color={!roles || roles.includes(check.me.role) ? 'success.main' : 'warning.main'}
        sx={{ display: 'flex', alignItems: 'center', gap: 0.5, mt: 0.5 }}
        data-testid="token-identity"
        data-role={check.me.role}
        data-owner={check.me.owner}
      >
        {!roles || roles.includes(check.me.role) ? <CheckIcon fontSize="small" /> : <WarningIcon fontSize="small" />}{' '}
        {describeToken(check.me)}
      </Typography>
    )}
  </Box>
);
