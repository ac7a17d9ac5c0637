import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import {
  Alert,
  Box,
  Card,
  CardContent,
  CardHeader,
  IconButton,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import {
  BooleanInput,
  Confirm,
  Form,
  FormDataConsumer,
  Link,
  ReferenceInput,
  required,
  SaveButton,
  SelectInput,
  TextInput,
  useDataProvider,
  useDelete,
  useGetList,
  useNotify,
  useUpdate,
} from 'react-admin';
import { SCHEDULE_SCOPES, type Schedule, type Suite } from '../api-types';
import { formErrors } from '../common/form-errors';
import type { GenbenchDataProvider } from '../data-provider';
import { formatDate } from '../format';

const FIELDS = ['name', 'cron', 'timezone', 'scope', 'suiteId', 'modelId', 'enabled'] as const;

interface ScheduleInput {
  name: string;
  cron: string;
  timezone: string;
  scope: Schedule['scope'];
  suiteId?: string;
  modelId?: string;
  enabled: boolean;
}

const SCOPE_CHOICES = [
  { id: 'all', name: 'every active entry' },
  { id: 'suite', name: 'one suite' },
  { id: 'model', name: 'one model' },
] satisfies Array<{ id: (typeof SCHEDULE_SCOPES)[number]; name: string }>;

const Target = ({ s }: { s: Schedule }) => {
  if (s.scope === 'suite' && s.suiteId) return <Link to={`/suites/${encodeURIComponent(s.suiteId)}/show`}>{s.suiteId}</Link>;
  if (s.scope === 'model' && s.modelId) return <Link to={`/models/${s.modelId}/show`}>model {s.modelId.slice(0, 8)}…</Link>;
  return <>every active entry</>;
};

const ScheduleRow = ({ s }: { s: Schedule }) => {
  const [update, { isPending: updating }] = useUpdate<Schedule>();
  const [remove, { isPending: removing }] = useDelete<Schedule>();
  const [confirm, setConfirm] = useState(false);
  const notify = useNotify();
  const last = s.firings?.[0];
  const onError = (err: unknown) => notify(`Could not change ${s.name}: ${(err as Error).message}`, { type: 'error' });
  return (
    <TableRow data-testid="schedule-row" data-id={s.id} data-enabled={s.enabled}>
      <TableCell sx={{ fontWeight: 500 }}>{s.name}</TableCell>
      <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
        {s.cron}
        <Typography variant="caption" color="text.secondary" component="div" sx={{ fontFamily: 'inherit' }}>
          {s.timezone}
        </Typography>
      </TableCell>
      <TableCell>
        <Target s={s} />
      </TableCell>
      <TableCell sx={{ whiteSpace: 'nowrap' }}>
        {last ? (
          <>
            {formatDate(last.slot)}
            <Typography variant="caption" color="text.secondary" component="div">
              {last.evaluations} {last.evaluations === 1 ? 'evaluation' : 'evaluations'}
            </Typography>
          </>
        ) : (
          <Typography variant="body2" color="text.secondary">
            never fired
          </Typography>
        )}
      </TableCell>
      <TableCell>
        <Tooltip title={s.enabled ? 'enabled: click to pause' : 'paused: click to enable'}>
          <Switch
            size="small"
            checked={s.enabled}
            disabled={updating}
            onChange={(_, enabled) =>
              // Without `returnPromise`, react-admin reports a failure through onError; its promise never rejects.
              void update(
                'schedules',
                { id: s.id, data: { enabled }, previousData: s },
                { mutationMode: 'pessimistic', onError, onSuccess: () => notify(`${s.name} ${enabled ? 'enabled' : 'paused'}`) },
              )
            }
            slotProps={{ input: { 'aria-label': `enable ${s.name}`, 'data-testid': 'schedule-enabled' } as object }}
          />
        </Tooltip>
      </TableCell>
      <TableCell align="right">
        <IconButton
          size="small"
          aria-label={`delete ${s.name}`}
          onClick={() => setConfirm(true)}
          disabled={removing}
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
              { mutationMode: 'pessimistic', onError, onSuccess: () => notify(`Deleted ${s.name}`) },
            );
          }}
        />
      </TableCell>
    </TableRow>
  );
};

/** The body the API accepts (strict): a target only with the scope that needs it, no empty strings. */
function toBody(v: Partial<ScheduleInput>): ScheduleInput {
  return {
    name: v.name?.trim() ?? '',
    cron: v.cron?.trim() ?? '',
    timezone: v.timezone?.trim() || 'UTC',
    scope: v.scope ?? 'all',
    ...(v.scope === 'suite' && v.suiteId ? { suiteId: v.suiteId } : {}),
    ...(v.scope === 'model' && v.modelId ? { modelId: v.modelId } : {}),
    enabled: v.enabled ?? true,
  };
}

const CreateSchedule = ({ onCreated }: { onCreated: () => void }) => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const notify = useNotify();
  const [general, setGeneral] = useState<string>();
  // A fresh form after each creation.
  const [generation, setGeneration] = useState(0);
  const { data: suites = [] } = useGetList<Suite>('suites', {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: 'id', order: 'ASC' },
  });

  const onSubmit = async (values: Partial<ScheduleInput>) => {
    setGeneral(undefined);
    try {
      const { data } = await dataProvider.create<Schedule>('schedules', { data: toBody(values) });
      notify(`Schedule ${data.name} created`, { type: 'success' });
      setGeneration((g) => g + 1);
      onCreated();
      return undefined;
    } catch (err) {
      const errors = formErrors(err, FIELDS);
      setGeneral(errors.general);
      return errors.fields;
    }
  };

  return (
    <Box data-testid="schedule-form" sx={{ mt: 2 }}>
      <Typography variant="subtitle2" gutterBottom>
        New schedule
      </Typography>
      <Form<ScheduleInput>
        key={generation}
        onSubmit={onSubmit}
        defaultValues={{ name: '', cron: '0 3 * * *', timezone: 'UTC', scope: 'all', enabled: true }}
        noValidate
      >
        <Box sx={{ display: 'grid', gridTemplateColumns: { md: '1.2fr 1fr 1fr' }, columnGap: 2 }}>
          <TextInput source="name" validate={required()} slotProps={{ htmlInput: { 'data-testid': 'schedule-name' } }} />
          <TextInput
            source="cron"
            label="Cron"
            helperText="minute hour day month weekday (a 6th, leading field: seconds)"
            slotProps={{ htmlInput: { 'data-testid': 'schedule-cron', spellCheck: false, style: { fontFamily: 'monospace' } } }}
          />
          <TextInput
            source="timezone"
            label="Time zone"
            helperText="IANA name, e.g. Europe/Paris"
            slotProps={{ htmlInput: { 'data-testid': 'schedule-timezone' } }}
          />
        </Box>
        <Box sx={{ display: 'grid', gridTemplateColumns: { md: '1fr 2fr' }, columnGap: 2, alignItems: 'start' }}>
          <SelectInput source="scope" label="Re-evaluate" choices={SCOPE_CHOICES} validate={required()} data-testid="schedule-scope" />
          <FormDataConsumer<ScheduleInput>>
            {({ formData }) =>
              formData.scope === 'suite' ? (
                <SelectInput source="suiteId" label="Suite" choices={suites.map((s) => ({ id: s.id, name: s.id }))} />
              ) : formData.scope === 'model' ? (
                <ReferenceInput source="modelId" reference="models" perPage={500} sort={{ field: 'createdAt', order: 'DESC' }}>
                  <SelectInput label="Model" optionText={(m: { name: string; owner: string }) => `${m.name} (${m.owner})`} />
                </ReferenceInput>
              ) : (
                <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
                  The latest version of every model with a successful evaluation, on each suite version it succeeded on.
                </Typography>
              )
            }
          </FormDataConsumer>
        </Box>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <BooleanInput source="enabled" label="Enabled" helperText={false} />
          <SaveButton label="Create schedule" icon={<AddIcon />} alwaysEnable data-testid="schedule-create" />
        </Stack>
        {general && (
          <Alert severity="error" sx={{ mt: 1 }} data-testid="schedule-error">
            {general}
          </Alert>
        )}
      </Form>
    </Box>
  );
};

/** Re-evaluation schedules (README, "Re-evaluations and drift"): list, pause, delete, create. */
export const Schedules = () => {
  const {
    data = [],
    isPending,
    error,
    refetch,
  } = useGetList<Schedule>('schedules', {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: 'createdAt', order: 'ASC' },
  });
  return (
    <Card variant="outlined" data-testid="admin-schedules">
      <CardHeader
        title="Re-evaluation schedules"
        subheader="Each firing re-scores its entries once (a nightly evaluation); drift beyond a suite's tolerance is flagged."
        slotProps={{ title: { variant: 'h6' } }}
        sx={{ pb: 0 }}
      />
      <CardContent sx={{ overflowX: 'auto' }}>
        {error && <Alert severity="error">Could not load the schedules: {error.message}</Alert>}
        {!isPending && data.length === 0 && !error && (
          <Typography color="text.secondary" data-testid="schedules-empty">
            No schedule yet: entries are scored only when submitted.
          </Typography>
        )}
        {data.length > 0 && (
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>When</TableCell>
                <TableCell>Re-evaluates</TableCell>
                <TableCell>Last firing</TableCell>
                <TableCell>Enabled</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {data.map((s) => (
                <ScheduleRow key={s.id} s={s} />
              ))}
            </TableBody>
          </Table>
        )}
        <CreateSchedule onCreated={() => void refetch()} />
      </CardContent>
    </Card>
  );
};
