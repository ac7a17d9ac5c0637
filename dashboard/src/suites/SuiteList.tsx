import { Box, Chip, Stack } from '@mui/material';
import { DataTable, List, SelectInput, useRecordContext } from 'react-admin';
import { TASKS, type Suite } from '../api-types';
import { bodyWithRowTestId } from '../common/row-test-id';
import { taskLabel } from '../format';
import { directionArrow, metricLabel } from '../metrics';
import { AvailabilityChip } from './Availability';
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
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {s?.kinds.map((k) => (
        <Chip key={k} size="small" label={k} variant="outlined" />
      ))}
    </Stack>
  );
};

/** The id with its description under it: one column instead of two keeps the table within a 1400 px page. */
const SuiteCell = ({ suite }: { suite: Suite }) => (
  <Box sx={{ minWidth: 220 }}>
    <Box sx={{ fontWeight: 500, overflowWrap: 'anywhere' }}>{suite.id}</Box>
    <Box sx={{ color: 'text.secondary', fontSize: 12, mt: 0.25 }}>{suite.description}</Box>
  </Box>
);

const Body = bodyWithRowTestId('suite-row');

/** Suites are few and the API returns them all; the data provider filters and sorts them here. */
export const SuiteList = () => (
  <List filters={filters} sort={{ field: 'id', order: 'ASC' }} perPage={50} exporter={false} pagination={false}>
    <DataTable rowClick="show" bulkActionButtons={false} expand={<SuiteVersions />} body={Body}>
      <DataTable.Col source="id" label="Suite" render={(s: Suite) => <SuiteCell suite={s} />} />
      <DataTable.Col source="available" label="On this server" render={(s: Suite) => <AvailabilityChip suite={s} />} />
      <DataTable.Col source="task" render={(s: Suite) => taskLabel(s.task)} />
      <DataTable.NumberCol source="resolution" render={(s: Suite) => `${s.resolution}px`} />
      <DataTable.Col source="primaryMetric" label="Ranked by" sx={{ whiteSpace: 'nowrap' }}>
        <Primary />
      </DataTable.Col>
      <DataTable.Col label="Models" disableSort>
        <Kinds />
      </DataTable.Col>
      <DataTable.Col
        source="latestVersion"
        label="Version"
        align="right"
        render={(s: Suite) => `v${s.latestVersion ?? '—'}${s.versions.length > 1 ? ` (${s.versions.length} versions)` : ''}`}
      />
    </DataTable>
  </List>
);
