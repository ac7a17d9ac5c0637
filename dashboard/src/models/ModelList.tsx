import UploadIcon from '@mui/icons-material/Upload';
import { Button, DataTable, List, SelectInput, TextInput, TopToolbar, useRecordContext } from 'react-admin';
import { MODEL_KINDS, type ModelSummary } from '../api-types';
import { bodyWithRowTestId } from '../common/row-test-id';
import { formatDate } from '../format';

const filters = [
  <SelectInput key="kind" source="kind" choices={MODEL_KINDS.map((k) => ({ id: k, name: k }))} emptyText="Any kind" alwaysOn />,
  <TextInput key="owner" source="owner" label="Submitter" alwaysOn />,
];

const Actions = () => (
  <TopToolbar>
    <Button label="Submit a model" to="/submit" data-testid="submit-link">
      <UploadIcon />
    </Button>
  </TopToolbar>
);

const Created = () => {
  const m = useRecordContext<ModelSummary>();
  return m ? <>{formatDate(m.createdAt)}</> : null;
};

const Body = bodyWithRowTestId('model-row');

/** The API lists newest first and does not sort otherwise, so columns are not sortable. */
export const ModelList = () => (
  <List filters={filters} actions={<Actions />} sort={{ field: 'createdAt', order: 'DESC' }} perPage={25} exporter={false}>
    <DataTable rowClick="show" bulkActionButtons={false} body={Body}>
      <DataTable.Col source="name" disableSort sx={{ fontWeight: 500 }} />
      <DataTable.Col source="owner" label="Submitter" disableSort />
      <DataTable.Col source="kind" disableSort />
      <DataTable.NumberCol source="latestVersion" label="Latest version" disableSort />
      <DataTable.Col label="Created" disableSort>
        <Created />
      </DataTable.Col>
    </DataTable>
  </List>
);
