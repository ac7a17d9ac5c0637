import SyncIcon from '@mui/icons-material/Sync';
import { Alert, Box, Button, Card, CardContent, CardHeader, CircularProgress, Typography } from '@mui/material';
import { useState } from 'react';
import { Link, useDataProvider } from 'react-admin';
import type { ReconcileReport } from '../api-types';
import type { GenbenchDataProvider } from '../data-provider';

const Ids = ({ ids, label }: { ids: string[]; label: string }) =>
  ids.length === 0 ? null : (
    <Box sx={{ mt: 0.5 }}>
      <Typography variant="body2">{label}:</Typography>
      <Box component="ul" sx={{ m: 0, pl: 2.5, fontFamily: 'monospace', fontSize: 12 }}>
        {ids.map((id) => (
          <li key={id}>
            <Link to={`/evaluations/${id}/show`}>{id}</Link>
          </li>
        ))}
      </Box>
    </Box>
  );

/**
 * PostgreSQL holds the truth, Redis the work list: a pass re-queues evaluations the database holds as queued
 * or running whose job is gone, and ends those whose attempts ran out (it also runs periodically).
 */
export const Reconcile = () => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const [state, setState] = useState<{ running?: boolean; report?: ReconcileReport; error?: string; at?: Date }>({});
  const run = async () => {
    setState({ running: true });
    try {
      setState({ report: await dataProvider.reconcile(), at: new Date() });
    } catch (err) {
      setState({ error: (err as Error).message });
    }
  };
  const r = state.report;
  return (
    <Card variant="outlined" data-testid="admin-reconcile">
      <CardHeader title="Reconciliation" slotProps={{ title: { variant: 'h6' } }} sx={{ pb: 0 }} />
      <CardContent>
        <Typography variant="body2" color="text.secondary" gutterBottom>
          Compares the evaluations the database holds as queued or running with the queue in Redis: lost jobs are queued again, those out of
          attempts end as failed.
        </Typography>
        <Button
          variant="outlined"
          startIcon={state.running ? <CircularProgress size={16} /> : <SyncIcon />}
          disabled={state.running}
          onClick={() => void run()}
          data-testid="reconcile"
        >
          Run a pass now
        </Button>
        {state.error && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {state.error}
          </Alert>
        )}
        {r && (
          <Alert severity={r.failed.length ? 'warning' : 'info'} sx={{ mt: 1 }} data-testid="reconcile-report">
            Checked {r.checked} queued or running {r.checked === 1 ? 'evaluation' : 'evaluations'}:{' '}
            {r.requeued.length === 0 && r.failed.length === 0
              ? 'every one has its job; nothing to do.'
              : `${r.requeued.length} queued again, ${r.failed.length} ended as failed.`}
            <Ids ids={r.requeued} label="Queued again" />
            <Ids ids={r.failed} label="Ended as failed" />
          </Alert>
        )}
      </CardContent>
    </Card>
  );
};
