import RevokeIcon from '@mui/icons-material/Block';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardHeader,
  Chip,
  LinearProgress,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { Confirm, DataTable, ListBase, Pagination, useDelete, useListContext, useNotify, useRecordContext } from 'react-admin';
import type { TokenInfo, TokenState } from '../api-types';
import { bodyWithRowTestId } from '../common/row-test-id';
import { formatDate } from '../format';

type Shown = TokenState | 'all';
const SHOWN: Array<{ id: Shown; label: string }> = [
  { id: 'active', label: 'Active' },
  { id: 'revoked', label: 'Revoked' },
  { id: 'expired', label: 'Expired' },
  { id: 'all', label: 'All' },
];

const STATE_COLOR = { active: 'success', revoked: 'default', expired: 'warning' } as const;

const Body = bodyWithRowTestId<TokenInfo>('token-row', (t) => ({ 'data-state': t.state }));

/** Which tokens the list shows: a list filter (`state`), none for all. */
const StateToggle = () => {
  const list = useListContext<TokenInfo>();
  const shown: Shown = (list.filterValues as { state?: TokenState }).state ?? 'all';
  const { setFilters } = list;
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={shown}
      onChange={(_, v: Shown | null) => {
        if (v) setFilters(v === 'all' ? {} : { state: v });
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
  );
};

/** Revocation asks first: the token stops working at once and for good (DELETE /api/admin/tokens/:id). */
const RevokeButton = () => {
  const t = useRecordContext<TokenInfo>();
  const [revoke, { isPending }] = useDelete<TokenInfo, Error>();
  const notify = useNotify();
  const [confirm, setConfirm] = useState(false);
  if (!t || t.state === 'revoked') return null;
  return (
    <>
      <Tooltip title={t.current ? 'the token this browser uses: revoke it with another admin token' : ''}>
        {/* A disabled button fires no events: the span lets the tooltip say why. */}
        <span>
          <Button
            size="small"
            color="warning"
            startIcon={<RevokeIcon />}
            disabled={isPending || t.current}
            onClick={() => setConfirm(true)}
            data-testid="revoke-token"
          >
            Revoke
          </Button>
        </span>
      </Tooltip>
      <Confirm
        isOpen={confirm}
        title={`Revoke the token "${t.name}"?`}
        content={`The ${t.role} token of ${t.owner} stops working at once (401); this cannot be undone. A new token can be issued instead.`}
        confirm="Revoke"
        confirmColor="warning"
        onClose={() => setConfirm(false)}
        onConfirm={() => {
          setConfirm(false);
          // Without `returnPromise`, react-admin reports a failure through onError; its promise never rejects.
          void revoke(
            'tokens',
            { id: t.id, previousData: t },
            {
              mutationMode: 'pessimistic',
              onSuccess: () => notify(`Revoked ${t.name} (${t.role} token of ${t.owner})`),
              onError: (err) => notify(`Could not revoke ${t.name}: ${err.message}`, { type: 'error' }),
            },
          );
        }}
      />
    </>
  );
};

const NameCell = ({ t }: { t: TokenInfo }) => (
  <>
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
  </>
);

const StateCell = ({ t }: { t: TokenInfo }) => (
  <>
    <Chip size="small" variant="outlined" label={t.state} color={STATE_COLOR[t.state]} />
    <Typography variant="caption" color="text.secondary" component="div">
      {t.revokedAt
        ? formatDate(t.revokedAt)
        : t.expiresAt
          ? `${t.state === 'expired' ? '' : 'until '}${formatDate(t.expiresAt)}`
          : 'no expiry'}
    </Typography>
  </>
);

const Empty = () => {
  const state = (useListContext<TokenInfo>().filterValues as { state?: TokenState }).state;
  return (
    <Typography color="text.secondary" data-testid="tokens-empty">
      No {state ? `${state} ` : ''}tokens.
    </Typography>
  );
};

const TokenTable = () => {
  const { error, isFetching, total = 0, perPage } = useListContext<TokenInfo>();
  return (
    <>
      {isFetching && <LinearProgress sx={{ height: 2 }} />}
      <CardContent sx={{ overflowX: 'auto' }}>
        <StateToggle />
        {error && <Alert severity="error">Could not load the tokens: {error.message}</Alert>}
        <DataTable<TokenInfo> rowClick={false} bulkActionButtons={false} body={Body} empty={<Empty />} hover={false}>
          <DataTable.Col source="name" label="Name" disableSort render={(t: TokenInfo) => <NameCell t={t} />} />
          <DataTable.Col
            source="role"
            label="Role"
            disableSort
            render={(t: TokenInfo) => (
              <>
                {t.role}
                {t.dailyQuota != null && (
                  <Typography variant="caption" color="text.secondary" component="div">
                    {t.dailyQuota}/day
                  </Typography>
                )}
              </>
            )}
          />
          <DataTable.Col source="createdAt" label="Created" disableSort render={(t: TokenInfo) => formatDate(t.createdAt)} />
          <DataTable.Col
            source="lastUsedAt"
            label="Last used"
            disableSort
            render={(t: TokenInfo) => (t.lastUsedAt ? formatDate(t.lastUsedAt) : 'never')}
          />
          <DataTable.Col source="state" label="State" disableSort render={(t: TokenInfo) => <StateCell t={t} />} />
          <DataTable.Col label="" align="right" disableSort>
            <RevokeButton />
          </DataTable.Col>
        </DataTable>
        {total > perPage && <Pagination rowsPerPageOptions={[]} />}
      </CardContent>
    </>
  );
};

/**
 * Issued tokens, newest first (the API's one order), without their secrets (GET /api/admin/tokens), each
 * revocable after a confirmation. The `tokens` resource: issuing one (TokenCreate) or revoking one goes
 * through react-admin's mutations, which refresh this list.
 */
export const TokenList = () => (
  <ListBase<TokenInfo>
    resource="tokens"
    perPage={10}
    sort={{ field: 'createdAt', order: 'DESC' }}
    filterDefaultValues={{ state: 'active' }}
    disableSyncWithLocation
    storeKey={false}
  >
    <Card variant="outlined" data-testid="admin-token-list">
      <CardHeader
        title="Tokens"
        subheader="Newest first. Secrets are shown only when issued; revoke a token that leaked or is no longer used."
        slotProps={{ title: { variant: 'h6' } }}
        sx={{ pb: 0 }}
      />
      <TokenTable />
    </Card>
  </ListBase>
);
