import CopyIcon from '@mui/icons-material/ContentCopy';
import KeyIcon from '@mui/icons-material/Key';
import { Alert, Box, Button, Card, CardContent, CardHeader, IconButton, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { Form, NumberInput, required, SaveButton, SelectInput, TextInput, useDataProvider, useNotify } from 'react-admin';
import type { IssuedToken, TokenRole } from '../api-types';
import { formErrors } from '../common/form-errors';
import type { GenbenchDataProvider, IssueTokenInput } from '../data-provider';

const FIELDS = ['name', 'role', 'owner', 'dailyQuota', 'expiresInDays'] as const;

const ROLE_CHOICES: Array<{ id: TokenRole; name: string }> = [
  { id: 'submitter', name: 'submitter' },
  { id: 'admin', name: 'admin' },
  { id: 'runner', name: 'runner' },
];

interface TokenInput {
  name: string;
  role: TokenRole;
  owner: string;
  dailyQuota?: number | null;
  expiresInDays?: number | null;
}

/** The secret exists in this response only (the API stores its hash): shown once, with a copy button. */
const Secret = ({ issued, onRevoked }: { issued: IssuedToken; onRevoked: () => void }) => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
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
          onClick={() =>
            // Both outcomes are handled here; the click handler itself returns nothing.
            void dataProvider.revokeToken(issued.id).then(
              () => {
                notify(`Revoked the token of ${issued.owner}`);
                onRevoked();
              },
              (err: Error) => notify(`Could not revoke: ${err.message}`, { type: 'error' }),
            )
          }
        >
          revoke it
        </Button>
      </Typography>
    </Alert>
  );
};

/** `onChange` is called when a token is issued or revoked here, so the token list can follow. */
export const IssueToken = ({ onChange }: { onChange?: () => void }) => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const [issued, setIssued] = useState<IssuedToken>();
  const [general, setGeneral] = useState<string>();

  const onSubmit = async (v: Partial<TokenInput>) => {
    setGeneral(undefined);
    setIssued(undefined);
    const body: IssueTokenInput = {
      name: v.name?.trim() ?? '',
      role: v.role ?? 'submitter',
      owner: v.owner?.trim() ?? '',
      ...(v.dailyQuota != null ? { dailyQuota: v.dailyQuota } : {}),
      ...(v.expiresInDays != null ? { expiresInDays: v.expiresInDays } : {}),
    };
    try {
      setIssued(await dataProvider.issueToken(body));
      onChange?.();
      return undefined;
    } catch (err) {
      const errors = formErrors(err, FIELDS);
      setGeneral(errors.general);
      return errors.fields;
    }
  };

  return (
    <Card variant="outlined" data-testid="admin-tokens">
      <CardHeader title="Issue a token" slotProps={{ title: { variant: 'h6' } }} sx={{ pb: 0 }} />
      <CardContent>
        <Form<TokenInput> onSubmit={onSubmit} defaultValues={{ name: '', owner: '', role: 'submitter' }} noValidate>
          <Box sx={{ display: 'grid', gridTemplateColumns: { sm: '1fr 1fr' }, columnGap: 2 }}>
            <TextInput source="owner" validate={required()} helperText="whose entries it submits" />
            <TextInput source="name" validate={required()} helperText="what it is for, e.g. laptop" />
            <SelectInput source="role" choices={ROLE_CHOICES} validate={required()} helperText="runner: claims and scores work only" />
            <NumberInput source="dailyQuota" label="Daily quota" helperText="evaluations a day; empty: none" min={0} step={1} />
            <NumberInput source="expiresInDays" label="Expires in (days)" helperText="empty: never" min={1} step={1} />
          </Box>
          <SaveButton label="Issue token" icon={<KeyIcon />} alwaysEnable data-testid="issue-token" />
          {general && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {general}
            </Alert>
          )}
        </Form>
        {issued && (
          <Secret
            issued={issued}
            onRevoked={() => {
              setIssued(undefined);
              onChange?.();
            }}
          />
        )}
      </CardContent>
    </Card>
  );
};
