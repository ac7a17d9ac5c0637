import CopyIcon from '@mui/icons-material/ContentCopy';
import KeyIcon from '@mui/icons-material/Key';
import { Alert, Box, Button, Card, CardContent, CardHeader, IconButton, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { CreateBase, Form, NumberInput, required, SaveButton, SelectInput, TextInput, useDelete, useNotify } from 'react-admin';
import type { IssuedToken, TokenInfo, TokenRole } from '../api-types';
import { FormRootError } from '../common/FormRootError';
import { type TokenFormValues, toTokenBody } from './token-body';

const ROLE_CHOICES: Array<{ id: TokenRole; name: string }> = [
  { id: 'submitter', name: 'submitter' },
  { id: 'admin', name: 'admin' },
  { id: 'runner', name: 'runner' },
];

/** The secret exists in this response only (the API stores its hash): shown once, with a copy button. */
const Secret = ({ issued, onRevoked }: { issued: IssuedToken; onRevoked: () => void }) => {
  const [revoke, { isPending }] = useDelete<TokenInfo, Error>();
  const notify = useNotify();
  return (
    <Alert severity="success" sx={{ mt: 2, '& .MuiAlert-message': { minWidth: 0, flex: 1 } }} data-testid="issued-token">
      <Typography variant="body2" gutterBottom>
        {issued.role} token for <strong>{issued.owner}</strong>. Copy the secret now: it is not shown again.
      </Typography>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Box
          component="code"
          data-testid="issued-token-secret"
          sx={{ flex: 1, minWidth: 0, p: 1, bgcolor: 'background.paper', borderRadius: 1, fontSize: 13, overflowWrap: 'anywhere' }}
        >
          {issued.secret}
        </Box>
        <Tooltip title="copy">
          <IconButton
            size="small"
            aria-label="copy the secret"
            onClick={() =>
              // Both outcomes are handled here; the click handler itself returns nothing.
              void navigator.clipboard?.writeText(issued.secret).then(
                () => notify('Secret copied'),
                () => notify('Could not copy: select the text instead', { type: 'warning' }),
              )
            }
          >
            <CopyIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      <Typography variant="caption" component="div" sx={{ mt: 1 }}>
        id {issued.id} ·{' '}
        <Button
          size="small"
          color="warning"
          sx={{ p: 0, minWidth: 0, fontSize: 'inherit', verticalAlign: 'baseline' }}
          disabled={isPending}
          onClick={() =>
            // Without `returnPromise`, react-admin reports a failure through onError; its promise never rejects.
            void revoke(
              'tokens',
              { id: issued.id },
              {
                mutationMode: 'pessimistic',
                onSuccess: () => {
                  notify(`Revoked the token of ${issued.owner}`);
                  onRevoked();
                },
                onError: (err) => notify(`Could not revoke: ${err.message}`, { type: 'error' }),
              },
            )
          }
        >
          revoke it
        </Button>
      </Typography>
    </Alert>
  );
};

/**
 * Issues a token (create `tokens`): the answer holds the secret, shown once below the form. react-admin's
 * mutation refreshes the token list; an API rejection shows under the input it concerns.
 */
export const TokenCreate = () => {
  const [issued, setIssued] = useState<IssuedToken>();
  return (
    <Card variant="outlined" data-testid="admin-tokens">
      <CardHeader title="Issue a token" slotProps={{ title: { variant: 'h6' } }} sx={{ pb: 0 }} />
      <CardContent>
        <CreateBase<TokenFormValues, IssuedToken>
          resource="tokens"
          redirect={false}
          transform={toTokenBody}
          mutationOptions={{ onSuccess: (token) => setIssued(token) }}
        >
          <Form<TokenFormValues> defaultValues={{ name: '', owner: '', role: 'submitter' }} noValidate>
            <Box sx={{ display: 'grid', gridTemplateColumns: { sm: '1fr 1fr' }, columnGap: 2 }}>
              <TextInput source="owner" validate={required()} helperText="whose entries it submits" />
              <TextInput source="name" validate={required()} helperText="what it is for, e.g. laptop" />
              <SelectInput source="role" choices={ROLE_CHOICES} validate={required()} helperText="runner: claims and scores work only" />
              <NumberInput source="dailyQuota" label="Daily quota" helperText="evaluations a day; empty: none" min={0} step={1} />
              <NumberInput source="expiresInDays" label="Expires in (days)" helperText="empty: never" min={1} step={1} />
            </Box>
            <SaveButton label="Issue token" icon={<KeyIcon />} alwaysEnable data-testid="issue-token" />
            <FormRootError />
          </Form>
        </CreateBase>
        {issued && <Secret issued={issued} onRevoked={() => setIssued(undefined)} />}
      </CardContent>
    </Card>
  );
};
