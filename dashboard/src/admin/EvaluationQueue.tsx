import CancelIcon from '@mui/icons-material/Block';
import RetryIcon from '@mui/icons-material/Replay';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardHeader,
  LinearProgress,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { RecordContextProvider, useDataProvider, useGetList, useNotify } from 'react-admin';
import type { Evaluation, EvaluationStatus } from '../api-types';
import { ModelLinkField, ProgressField, StatusField, SuiteLinkField, TriggerChip } from '../common/evaluation-fields';
import { POLL_MS } from '../common/polling';
import type { GenbenchDataProvider } from '../data-provider';
import { formatDate } from '../format';

/** The latest evaluations of one status (the API lists newest first). */
function useByStatus(status: EvaluationStatus, perPage: number, poll: boolean) {
  return useGetList<Evaluation>(
    'evaluations',
    { filter: { status }, pagination: { page: 1, perPage }, sort: { field: 'queuedAt', order: 'DESC' } },
    { refetchInterval: poll ? POLL_MS * 2 : false },
  );
}

const Rows = ({
  evaluations,
  action,
  busy,
  onAction,
}: {
  evaluations: Evaluation[];
  action: 'cancel' | 'retry';
  busy?: string;
  onAction: (e: Evaluation) => void;
}) => (
  <>
    {evaluations.map((e) => (
      <RecordContextProvider key={e.id} value={e}>
        <TableRow data-testid={`admin-${action === 'cancel' ? 'active' : 'ended'}-row`} data-id={e.id} data-status={e.status}>
          <TableCell>
            <ModelLinkField />
            <Typography variant="caption" color="text.secondary" component="div">
              {e.model.owner}
            </Typography>
          </TableCell>
          <TableCell>
            <SuiteLinkField />
          </TableCell>
          <TableCell>
            <StatusField /> <TriggerChip trigger={e.trigger} />
          </TableCell>
          <TableCell>
            {action === 'cancel' ? <ProgressField /> : <Typography variant="caption">{e.failureReason ?? '—'}</Typography>}
          </TableCell>
          <TableCell sx={{ whiteSpace: 'nowrap' }}>
            {formatDate(e.queuedAt)}
            <Typography variant="caption" color="text.secondary" component="div">
              {e.attempts} {e.attempts === 1 ? 'attempt' : 'attempts'}
            </Typography>
          </TableCell>
          <TableCell align="right">
            <Button
              size="small"
              color={action === 'cancel' ? 'warning' : 'primary'}
              startIcon={action === 'cancel' ? <CancelIcon /> : <RetryIcon />}
              disabled={busy === e.id}
              onClick={() => onAction(e)}
              data-testid={`${action}-evaluation`}
            >
              {action === 'cancel' ? 'Cancel' : 'Retry'}
            </Button>
          </TableCell>
        </TableRow>
      </RecordContextProvider>
    ))}
  </>
);

const Header = ({ last }: { last: string }) => (
  <TableHead>
    <TableRow>
      <TableCell>Model</TableCell>
      <TableCell>Suite</TableCell>
      <TableCell>Status</TableCell>
      <TableCell>{last}</TableCell>
      <TableCell>Queued</TableCell>
      <TableCell />
    </TableRow>
  </TableHead>
);

/**
 * Queued and running evaluations, which an admin may cancel, and the latest failed or cancelled ones,
 * which an admin may queue again (POST /api/evaluations/:id/cancel|retry).
 */
export const EvaluationQueue = () => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const notify = useNotify();
  const queued = useByStatus('queued', 100, true);
  const running = useByStatus('running', 100, true);
  const failed = useByStatus('failed', 10, false);
  const cancelled = useByStatus('cancelled', 10, false);
  const [busy, setBusy] = useState<string>();
  const lists = [queued, running, failed, cancelled];
  const error = lists.find((l) => l.error)?.error;

  const act = async (e: Evaluation, action: 'cancel' | 'retry') => {
    setBusy(e.id);
    try {
      await (action === 'cancel' ? dataProvider.cancelEvaluation(e.id) : dataProvider.retryEvaluation(e.id));
      notify(`${action === 'cancel' ? 'Cancelled' : 'Queued again'}: ${e.model.name} v${e.model.version} on ${e.suite.id}`, {
        type: 'info',
      });
    } catch (err) {
      notify(`Could not ${action} the evaluation: ${(err as Error).message}`, { type: 'error' });
    } finally {
      setBusy(undefined);
      await Promise.all(lists.map((l) => l.refetch()));
    }
  };

  const active = [...(running.data ?? []), ...(queued.data ?? [])];
  const ended = [...(failed.data ?? []), ...(cancelled.data ?? [])]
    .sort((a, b) => Date.parse(b.queuedAt) - Date.parse(a.queuedAt))
    .slice(0, 10);
  const activeTotal = (queued.total ?? 0) + (running.total ?? 0);

  return (
    <Card variant="outlined" data-testid="admin-queue">
      <CardHeader
        title="Evaluation queue"
        subheader={`${running.total ?? 0} running · ${queued.total ?? 0} queued`}
        slotProps={{ title: { variant: 'h6' } }}
        sx={{ pb: 0 }}
      />
      {lists.some((l) => l.isPending) && <LinearProgress sx={{ height: 2 }} />}
      <CardContent sx={{ overflowX: 'auto' }}>
        {error && <Alert severity="error">Could not load the queue: {error.message}</Alert>}
        {active.length === 0 ? (
          <Typography color="text.secondary" data-testid="admin-queue-empty">
            Nothing queued or running.
          </Typography>
        ) : (
          <Table size="small">
            <Header last="Progress" />
            <TableBody>
              <Rows evaluations={active} action="cancel" busy={busy} onAction={(e) => void act(e, 'cancel')} />
            </TableBody>
          </Table>
        )}
        {activeTotal > active.length && (
          <Typography variant="caption" color="text.secondary">
            and {activeTotal - active.length} more; see Evaluations.
          </Typography>
        )}
        {ended.length > 0 && (
          <>
            <Typography variant="subtitle2" sx={{ mt: 3, mb: 0.5 }}>
              Latest failed or cancelled
            </Typography>
            <Table size="small">
              <Header last="Reason" />
              <TableBody>
                <Rows evaluations={ended} action="retry" busy={busy} onAction={(e) => void act(e, 'retry')} />
              </TableBody>
            </Table>
          </>
        )}
      </CardContent>
    </Card>
  );
};
