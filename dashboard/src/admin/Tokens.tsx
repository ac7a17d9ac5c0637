import RevokeIcon from '@mui/icons-material/Block';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  CardHeader,
  Chip,
  LinearProgress,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { Confirm, useDataProvider, useGetList, useNotify } from 'react-admin';
import type { TokenInfo, TokenState } from '../api-types';
import type { GenbenchDataProvider } from '../data-provider';
import { formatDate } from '../format';

const PER_PAGE = 10;

type Shown = TokenState | 'all';
const SHOWN: Array<{ id: Shown; label: string }> = [
  { id: 'active', label: 'Active' },
  { id: 'revoked', label: 'Revoked' },
  { id: 'expired', label: 'Expired' },
  { id: 'all', label: 'All' },
];

const STATE_COLOR = { active: 'success', revoked: 'default', expired: 'warning' } as const;

const TokenRow = ({ t, onRevoke, busy }: { t: TokenInfo; onRevoke: (t: TokenInfo) => void; busy: boolean }) => (
  <TableRow data-testid="token-row" data-id={t.id} data-state={t.state}>
    <TableCell>
      <Typography variant="body2" sx={{ fontWeight: 500 }}>
        {t.name}
        {t.current && (
          <Typography component="span" variant="caption" color="text.secondary">
            {' '}
            (this browser)
          </Typography>
        )}
      </Typography>
      <Typography variant="caption" color="text.secondary" component="div">
        {t.owner}
      </Typography>
    </TableCell>
    <TableCell>
      {t.role}
      {t.dailyQuota != null && (
        <Typography variant="caption" color="text.secondary" component="div">
          {t.dailyQuota}/day
        </Typography>
      )}
    </TableCell>
    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDate(t.createdAt)}</TableCell>
    <TableCell sx={{ whiteSpace: 'nowrap' }}>{t.lastUsedAt ? formatDate(t.lastUsedAt) : 'never'}</TableCell>
    <TableCell sx={{ whiteSpace: 'nowrap' }}>
      <Chip size="small" variant="outlined" label={t.state} color={STATE_COLOR[t.state]} />
      <Typography variant="caption" color="text.secondary" component="div">
        {t.revokedAt
          ? formatDate(t.revokedAt)
          : t.expiresAt
            ? `${t.state === 'expired' ? '' : 'until '}${formatDate(t.expiresAt)}`
            : 'no expiry'}
      </Typography>
    </TableCell>
    <TableCell align="right">
      {t.state !== 'revoked' && (
        <Tooltip title={t.current ? 'the token this browser uses: revoke it with another admin token' : ''}>
          {/* A disabled button fires no events: the span lets the tooltip say why. */}
          <span>
            <Button
              size="small"
              color="warning"
              startIcon={<RevokeIcon />}
              disabled={busy || t.current}
              onClick={() => onRevoke(t)}
              data-testid="revoke-token"
            >
              Revoke
            </Button>
          </span>
        </Tooltip>
      )}
    </TableCell>
  </TableRow>
);

/**
 * Issued tokens, newest first, without their secrets (GET /api/admin/tokens), each revocable after a
 * confirmation (DELETE /api/admin/tokens/:id). `changed` moves when a token is issued or revoked elsewhere
 * on the page, so the list follows.
 */
export const Tokens = ({ changed }: { changed?: number }) => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const notify = useNotify();
  const [shown, setShown] = useState<Shown>('active');
  const [page, setPage] = useState(1);
  const [confirm, setConfirm] = useState<TokenInfo>();
  const [busy, setBusy] = useState<string>();
  const {
    data = [],
    total = 0,
    isPending,
    isFetching,
    error,
    refetch,
  } = useGetList<TokenInfo>('tokens', {
    filter: shown === 'all' ? {} : { state: shown },
    pagination: { page, perPage: PER_PAGE },
    sort: { field: 'createdAt', order: 'DESC' },
  });

  useEffect(() => {
    if (changed) void refetch();
  }, [changed, refetch]);
  // Revoking the last rows of the last page of active tokens leaves that page empty: step back.
  useEffect(() => {
    if (!isPending && data.length === 0 && page > 1) setPage((p) => p - 1);
  }, [isPending, data.length, page]);

  const revoke = async (t: TokenInfo) => {
    setBusy(t.id);
    try {
      await dataProvider.revokeToken(t.id);
      notify(`Revoked ${t.name} (${t.role} token of ${t.owner})`);
    } catch (err) {
      notify(`Could not revoke ${t.name}: ${(err as Error).message}`, { type: 'error' });
    } finally {
      setBusy(undefined);
      await refetch();
    }
  };

  const first = total === 0 ? 0 : (page - 1) * PER_PAGE + 1;
  const last = (page - 1) * PER_PAGE + data.length;

  return (
    <Card variant="outlined" data-testid="admin-token-list">
      <CardHeader
        title="Tokens"
        subheader="Newest first. Secrets are shown only when issued; revoke a token that leaked or is no longer used."
        slotProps={{ title: { variant: 'h6' } }}
        sx={{ pb: 0 }}
      />
      {isFetching && <LinearProgress sx={{ height: 2 }} />}
      <CardContent sx={{ overflowX: 'auto' }}>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={shown}
          onChange={(_, v: Shown | null) => {
            if (!v) return;
            setShown(v);
            setPage(1);
          }}
          aria-label="which tokens"
          sx={{ mb: 1 }}
        >
          {SHOWN.map((s) => (
            <ToggleButton key={s.id} value={s.id} data-testid={`tokens-${s.id}`}>
              {s.label}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        {error && <Alert severity="error">Could not load the tokens: {error.message}</Alert>}
        {!isPending && !error && data.length === 0 && (
          <Typography color="text.secondary" data-testid="tokens-empty">
            No {shown === 'all' ? '' : `${shown} `}tokens.
          </Typography>
        )}
        {data.length > 0 && (
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Role</TableCell>
                <TableCell>Created</TableCell>
                <TableCell>Last used</TableCell>
                <TableCell>State</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {data.map((t) => (
                <TokenRow key={t.id} t={t} busy={busy === t.id} onRevoke={setConfirm} />
              ))}
            </TableBody>
          </Table>
        )}
        {total > PER_PAGE && (
          <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'flex-end', gap: 1, mt: 1 }}>
            <Typography variant="caption" color="text.secondary">
              {first}–{last} of {total}
            </Typography>
            <Button size="small" disabled={page === 1} onClick={() => setPage((p) => p - 1)}>
              Newer
            </Button>
            <Button size="small" disabled={last >= total} onClick={() => setPage((p) => p + 1)}>
              Older
            </Button>
          </Box>
        )}
        <Confirm
          isOpen={!!confirm}
          title={`Revoke the token "${confirm?.name ?? ''}"?`}
          content={
            confirm
              ? `The ${confirm.role} token of ${confirm.owner} stops working at once (401); this cannot be undone. A new token can be issued instead.`
              : ''
          }
          confirm="Revoke"
          confirmColor="warning"
          onClose={() => setConfirm(undefined)}
          onConfirm={() => {
            const t = confirm;
            setConfirm(undefined);
            if (t) void revoke(t);
          }}
        />
      </CardContent>
    </Card>
  );
};
