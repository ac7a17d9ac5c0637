import {
  Alert,
  Box,
  Card,
  CardContent,
  CardHeader,
  CircularProgress,
  Grid,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableRow,
  Typography,
} from '@mui/material';
import { Link, Title, useGetList, usePermissions } from 'react-admin';
import type { Suite, Whoami } from '../api-types';
import { describeToken, TokenField, useTokenCheck } from '../auth/TokenCheck';
import { formatDate, taskLabel } from '../format';
import { EvaluationQueue } from './EvaluationQueue';
import { ScheduleList } from '../schedules';
import { TokenCreate, TokenList } from '../tokens';
import { Reconcile } from './Reconcile';

/** Suites are code (benchmarks/*.suite.ts): the admin view only says which versions are registered. */
const Suites = () => {
  const { data = [], error } = useGetList<Suite>('suites', { pagination: { page: 1, perPage: 1000 }, sort: { field: 'id', order: 'ASC' } });
  return (
    <Card variant="outlined" data-testid="admin-suites">
      <CardHeader
        title="Suites"
        subheader={
          <>
            Registered from benchmarks/ at start; a definition change needs a new version. <Link to="/suites">All suites</Link>
          </>
        }
        slotProps={{ title: { variant: 'h6' } }}
        sx={{ pb: 0 }}
      />
      <CardContent>
        {error && <Alert severity="error">{error.message}</Alert>}
        <Table size="small">
          <TableBody>
            {data.map((s) => (
              <TableRow key={s.id}>
                <TableCell sx={{ pl: 0, whiteSpace: 'nowrap' }}>
                  <Link to={`/suites/${encodeURIComponent(s.id)}/show`}>{s.id}</Link>
                </TableCell>
                <TableCell sx={{ color: 'text.secondary', fontSize: 12 }}>
                  {taskLabel(s.task)}, {s.resolution}px
                </TableCell>
                <TableCell
                  align="right"
                  sx={{ pr: 0, whiteSpace: 'nowrap' }}
                  title={`registered ${formatDate(s.versions.find((v) => v.version === s.latestVersion)?.createdAt)}`}
                >
                  v{s.latestVersion ?? '—'}
                  {s.versions.length > 1 && (
                    <Typography component="span" variant="caption" color="text.secondary">
                      {' '}
                      of {s.versions.length}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
};

/** Shown instead of the page without an admin token; the token can be changed right here. */
const NotAdmin = ({ me }: { me: Whoami | null }) => {
  const check = useTokenCheck();
  return (
    <Box sx={{ maxWidth: 720 }}>
      <Alert severity="warning" sx={{ mb: 2 }} data-testid="admin-forbidden">
        <Typography variant="body2" gutterBottom>
          <strong>This page needs an admin token.</strong>{' '}
          {me ? `This browser uses a ${describeToken(me)}.` : 'This browser has no valid API token.'}
        </Typography>
        <Typography variant="body2">
          Managing the queue, schedules and tokens is for admins; an admin can issue you a token, or one can be made with{' '}
          <code>npm run token -- --role admin --owner &lt;you&gt;</code>.
        </Typography>
      </Alert>
      <Card variant="outlined">
        <CardContent>
          <TokenField check={check} label="Admin token" roles={['admin']} />
        </CardContent>
      </Card>
    </Box>
  );
};

/**
 * Operations, for admin tokens only: the queue (cancel, retry), re-evaluation schedules and tokens (the
 * `schedules` and `tokens` resources, schedules/ and tokens/), reconciliation, and the registered suites.
 * The menu offers it only to an admin token.
 */
export const AdminPage = () => {
  const { permissions, isPending } = usePermissions<Whoami | null>();
  return (
    <Box sx={{ mt: 1 }}>
      <Title title="Admin" />
      <Typography variant="h5" component="h1" gutterBottom>
        Admin
      </Typography>
      {isPending ? (
        <CircularProgress sx={{ m: 4 }} />
      ) : permissions?.role !== 'admin' ? (
        <NotAdmin me={permissions ?? null} />
      ) : (
        <Stack spacing={2} data-testid="admin-page">
          <EvaluationQueue />
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, lg: 7 }}>
              <Stack spacing={2}>
                <ScheduleList />
                <TokenList />
              </Stack>
            </Grid>
            <Grid size={{ xs: 12, lg: 5 }}>
              <Stack spacing={2}>
                <TokenCreate />
                <Reconcile />
                <Suites />
              </Stack>
            </Grid>
          </Grid>
        </Stack>
      )}
    </Box>
  );
};
