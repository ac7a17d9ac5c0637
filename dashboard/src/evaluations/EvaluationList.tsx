import { DataTable, List, ReferenceInput, SelectInput, TextInput, useRecordContext } from 'react-admin';
import { EVALUATION_STATUSES, type Evaluation, TRIGGERS } from '../api-types';
import {
  FailureField,
  ModelLinkField,
  ProgressField,
  ScoreField,
  StatusField,
  SuiteLinkField,
  TriggerField,
} from '../common/evaluation-fields';
import { pollEvaluations } from '../common/polling';
import { bodyWithRowTestId } from '../common/row-test-id';
import { formatDate, formatDuration } from '../format';

const filters = [
  <SelectInput
    key="status"
    source="status"
    label="Status"
    choices={EVALUATION_STATUSES.map((s) => ({ id: s, name: s }))}
    emptyText="Any status"
    alwaysOn
  />,
  <ReferenceInput key="suiteId" source="suiteId" reference="suites" alwaysOn>
    <SelectInput label="Suite" optionText="id" emptyText="Any suite" />
  </ReferenceInput>,
  <SelectInput
    key="trigger"
    source="trigger"
    label="Trigger"
    choices={TRIGGERS.map((t) => ({ id: t, name: t }))}
    emptyText="Any trigger"
    alwaysOn
  />,
  <TextInput key="owner" source="owner" label="Submitter" alwaysOn />,
];

const Body = bodyWithRowTestId('evaluation-row');

const Queued = () => {
  const e = useRecordContext<Evaluation>();
  return e ? <>{formatDate(e.queuedAt)}</> : null;
};

/** The API lists newest first and does not sort otherwise, so columns are not sortable. */
export const EvaluationList = () => (
  <List
    filters={filters}
    sort={{ field: 'queuedAt', order: 'DESC' }}
    perPage={25}
    exporter={false}
    queryOptions={{ refetchInterval: pollEvaluations }}
  >
    <DataTable rowClick="show" bulkActionButtons={false} body={Body}>
      <DataTable.Col label="Model" disableSort>
        <ModelLinkField />
      </DataTable.Col>
      <DataTable.Col label="Suite" disableSort>
        <SuiteLinkField />
      </DataTable.Col>
      <DataTable.Col label="Status" disableSort>
        <StatusField />
      </DataTable.Col>
      <DataTable.Col label="Trigger" disableSort>
        <TriggerField />
      </DataTable.Col>
      <DataTable.Col label="Progress" disableSort>
        <ProgressField />
      </DataTable.Col>
      <DataTable.Col label="Score" disableSort>
        <ScoreField />
      </DataTable.Col>
      <DataTable.Col label="Queued" disableSort>
        <Queued />
      </DataTable.Col>
      <DataTable.Col label="Duration" disableSort render={(e: Evaluation) => formatDuration(e.durationMs)} />
      <DataTable.Col label="Failure" disableSort sx={{ maxWidth: 360 }}>
        <FailureField />
      </DataTable.Col>
    </DataTable>
  </List>
);
