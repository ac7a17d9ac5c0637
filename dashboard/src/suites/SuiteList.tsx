import { Chip, Stack } from '@mui/material';
import { DataTable, List, SelectInput, useRecordContext } from 'react-admin';
import { TASKS, type Suite } from '../api-types';
import { bodyWithRowTestId } from '../common/row-test-id';
import { taskLabel } from '../format';
import { directionArrow, metricLabel } from '../metrics';
import { SuiteVersions } from './SuiteVersions';

const filters = [
  <SelectInput key="task" source="task" choices={TASKS.map((t) => ({ id: t, name: taskLabel(t) }))} emptyText="Any task" alwaysOn />,
];

const Primary = () => {
  const s = useRecordContext<Suite>();
  if (!s?.primaryMetric) return null;
  return (
    <>
      {metricLabel(s.primaryMetric)} {directionArrow(s.higherIsBetter ?? undefined)}
    </>
  );
};

const Kinds = () => {
  const s = useRecordContext<Suite>();
  return (
    <Stack direction="row" spacing={0.5}>
      {s?.kinds.map((k) => (
        <Chip key={k} size="small" label={k} variant="outlined" />
      ))}
    </Stack>
  );
};

const Body = bodyWithRowTestId('suite-row');

/** Suites are few and the API returns them all; the data provider filters and sorts them here. */
export const SuiteList = () => (
  <List filters={filters} sort={{ field: 'id', order: 'ASC' }} perPage={50} exporter={false} pagination={false}>
    <DataTable rowClick="show" bulkActionButtons={false} expand={<SuiteVersions />} body={Body}>
      <DataTable.Col source="id" label="Suite" sx={{ fontWeight: 500, whiteSpace: 'nowrap' }} />
      <DataTable.Col source="task" render={(s: Suite) => taskLabel(s.task)} />
      <DataTable.NumberCol source="resolution" render={(s: Suite) => `${s.resolution}px`} />
      <DataTable.Col source="primaryMetric" label="Ranked by" sx={{ whiteSpace: 'nowrap' }}>
        <Primary />
      </DataTable.Col>
      <DataTable.Col label="Models" disableSort>
        <Kinds />
      </DataTable.Col>
      <DataTable.NumberCol source="latestVersion" label="Version" />
      <DataTable.Col label="Versions" disableSort align="right" render={(s: Suite) => s.versions.length} />
      <DataTable.Col source="description" disableSort sx={{ color: 'text.secondary', maxWidth: 420 }} />
    </DataTable>
  </List>
);
