import { List, ReferenceInput, SelectInput, TextInput } from 'react-admin';
import { EVALUATION_STATUSES, TRIGGERS } from '../api-types';
import { EvaluationTable } from '../common/EvaluationTable';
import { pollEvaluations } from '../common/polling';

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

/** Newest first: the API does not sort evaluations otherwise. */
export const EvaluationList = () => (
  <List
    filters={filters}
    sort={{ field: 'queuedAt', order: 'DESC' }}
    perPage={25}
    exporter={false}
    queryOptions={{ refetchInterval: pollEvaluations }}
  >
    <EvaluationTable columns={['model', 'suite', 'status', 'trigger', 'progress', 'score', 'queued', 'duration', 'failure']} />
  </List>
);
