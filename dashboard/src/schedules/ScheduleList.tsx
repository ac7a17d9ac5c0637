import DeleteIcon from '@mui/icons-material/Delete';
import { Alert, Card, CardContent, CardHeader, IconButton, Switch, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import { Confirm, DataTable, Link, ListBase, useDelete, useListContext, useNotify, useRecordContext, useUpdate } from 'react-admin';
import type { Schedule } from '../api-types';
import { bodyWithRowTestId } from '../common/row-test-id';
import { formatDate } from '../format';
import { ScheduleCreate } from './ScheduleCreate';

const Body = bodyWithRowTestId<Schedule>('schedule-row', (s) => ({ 'data-enabled': s.enabled }));

const Target = ({ s }: { s: Schedule }) => {
  if (s.scope === 'suite' && s.suiteId) return <Link to={`/suites/${encodeURIComponent(s.suiteId)}/show`}>{s.suiteId}</Link>;
  if (s.scope === 'model' && s.modelId) return <Link to={`/models/${s.modelId}/show`}>model {s.modelId.slice(0, 8)}…</Link>;
  return <>every active entry</>;
};

const LastFiring = ({ s }: { s: Schedule }) => {
  const last = s.firings?.[0];
  if (!last) {
    return (
      <Typography variant="body2" color="text.secondary">
        never fired
      </Typography>
    );
  }
  return (
    <>
      {formatDate(last.slot)}
      <Typography variant="caption" color="text.secondary" component="div">
        {last.evaluations} {last.evaluations === 1 ? 'evaluation' : 'evaluations'}
      </Typography>
    </>
  );
};

const onError = (notify: ReturnType<typeof useNotify>, s: Schedule) => (err: Error) =>
  notify(`Could not change ${s.name}: ${err.message}`, { type: 'error' });

/** Pauses or resumes a schedule (update `schedules`, PATCH /api/schedules/:id). */
const EnabledSwitch = () => {
  const s = useRecordContext<Schedule>();
  const [update, { isPending }] = useUpdate<Schedule>();
  const notify = useNotify();
  if (!s) return null;
  return (
    <Tooltip title={s.enabled ? 'enabled: click to pause' : 'paused: click to enable'}>
      <Switch
        size="small"
        checked={s.enabled}
        disabled={isPending}
        onChange={(_, enabled) =>
          // Without `returnPromise`, react-admin reports a failure through onError; its promise never rejects.
          void update(
            'schedules',
            { id: s.id, data: { enabled }, previousData: s },
            {
              mutationMode: 'pessimistic',
              onError: onError(notify, s),
              onSuccess: () => notify(`${s.name} ${enabled ? 'enabled' : 'paused'}`),
            },
          )
        }
        slotProps={{ input: { 'aria-label': `enable ${s.name}`, 'data-testid': 'schedule-enabled' } as object }}
      />
    </Tooltip>
  );
};

/** Deletes a schedule after a confirmation (delete `schedules`); its past firings and evaluations stay. */
const DeleteScheduleButton = () => {
  const s = useRecordContext<Schedule>();
  const [remove, { isPending }] = useDelete<Schedule, Error>();
  const [confirm, setConfirm] = useState(false);
  const notify = useNotify();
  if (!s) return null;
  return (
    <>
      <IconButton
        size="small"
        aria-label={`delete ${s.name}`}
        onClick={() => setConfirm(true)}
        disabled={isPending}
        data-testid="schedule-delete"
      >
        <DeleteIcon fontSize="small" />
      </IconButton>
      <Confirm
        isOpen={confirm}
        title={`Delete the schedule "${s.name}"?`}
        content="Its past firings and the evaluations they created stay; no further re-evaluations are scheduled by it."
        confirm="Delete"
        confirmColor="warning"
        onClose={() => setConfirm(false)}
        onConfirm={() => {
          setConfirm(false);
          // As for update: failures go to onError.
          void remove(
            'schedules',
            { id: s.id, previousData: s },
            { mutationMode: 'pessimistic', onError: onError(notify, s), onSuccess: () => notify(`Deleted ${s.name}`) },
          );
        }}
      />
    </>
  );
};

const Empty = () => (
  <Typography color="text.secondary" data-testid="schedules-empty">
    No schedule yet: entries are scored only when submitted.
  </Typography>
);

const ScheduleTable = () => {
  const { error } = useListContext<Schedule>();
  return (
    <>
      {error && <Alert severity="error">Could not load the schedules: {error.message}</Alert>}
      <DataTable<Schedule> rowClick={false} bulkActionButtons={false} body={Body} empty={<Empty />} hover={false}>
        <DataTable.Col source="name" label="Name" disableSort sx={{ fontWeight: 500 }} />
        <DataTable.Col
          source="cron"
          label="When"
          disableSort
          sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}
          render={(s: Schedule) => (
            <>
              {s.cron}
              <Typography variant="caption" color="text.secondary" component="div" sx={{ fontFamily: 'inherit' }}>
                {s.timezone}
              </Typography>
            </>
          )}
        />
        <DataTable.Col source="scope" label="Re-evaluates" disableSort render={(s: Schedule) => <Target s={s} />} />
        <DataTable.Col label="Last firing" disableSort sx={{ whiteSpace: 'nowrap' }} render={(s: Schedule) => <LastFiring s={s} />} />
        <DataTable.Col source="enabled" label="Enabled" disableSort>
          <EnabledSwitch />
        </DataTable.Col>
        <DataTable.Col label="" align="right" disableSort>
          <DeleteScheduleButton />
        </DataTable.Col>
      </DataTable>
    </>
  );
};

/**
 * Re-evaluation schedules (README, "Re-evaluations and drift"), oldest first: the `schedules` resource,
 * listed, paused, deleted and created through react-admin's mutations, which refresh the list.
 */
export const ScheduleList = () => (
  <Card variant="outlined" data-testid="admin-schedules">
    <CardHeader
      title="Re-evaluation schedules"
      subheader="Each firing re-scores its entries once (a nightly evaluation); drift beyond a suite's tolerance is flagged."
      slotProps={{ title: { variant: 'h6' } }}
      sx={{ pb: 0 }}
    />
    <CardContent sx={{ overflowX: 'auto' }}>
      <ListBase<Schedule>
        resource="schedules"
        perPage={1000}
        sort={{ field: 'createdAt', order: 'ASC' }}
        disableSyncWithLocation
        storeKey={false}
      >
        <ScheduleTable />
      </ListBase>
      <ScheduleCreate />
    </CardContent>
  </Card>
);
