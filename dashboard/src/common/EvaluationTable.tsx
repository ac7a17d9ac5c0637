import { Tooltip } from '@mui/material';
import type { ReactElement } from 'react';
import { DataTable, type DataTableProps, useRecordContext } from 'react-admin';
import type { Evaluation } from '../api-types';
import { formatDate, formatDuration } from '../format';
import {
  FailureField,
  ModelLinkField,
  ProgressField,
  ProvenanceSummaryField,
  ScoreField,
  StatusField,
  SuiteLinkField,
  TriggerField,
} from './evaluation-fields';
import { bodyWithRowTestId } from './row-test-id';
import { SampleGrid } from './SampleGrid';

const Queued = () => {
  const e = useRecordContext<Evaluation>();
  return e ? <>{formatDate(e.queuedAt)}</> : null;
};

const Finished = () => {
  const e = useRecordContext<Evaluation>();
  return e ? (
    <Tooltip title={`queued ${formatDate(e.queuedAt)} · ran ${formatDuration(e.durationMs)} · ${e.attempts} attempt(s)`}>
      <span>{formatDate(e.finishedAt)}</span>
    </Tooltip>
  ) : null;
};

const Samples = () => {
  const e = useRecordContext<Evaluation>();
  if (!e?.sampleGrid) return null;
  return (
    <SampleGrid
      url={e.sampleGrid}
      alt={`samples of ${e.model.name} v${e.model.version} on ${e.suite.id} (${formatDate(e.finishedAt)})`}
      size={56}
    />
  );
};

// The API sorts evaluations itself (newest first), so no column is sortable. Keyed elements, not a
// wrapper component: DataTable counts and reorders its direct children as columns.
const COLUMNS = {
  model: (
    <DataTable.Col key="model" label="Model" disableSort>
      <ModelLinkField />
    </DataTable.Col>
  ),
  suite: (
    <DataTable.Col key="suite" label="Suite" disableSort>
      <SuiteLinkField />
    </DataTable.Col>
  ),
  status: (
    <DataTable.Col key="status" label="Status" disableSort>
      <StatusField />
    </DataTable.Col>
  ),
  trigger: (
    <DataTable.Col key="trigger" label="Trigger" disableSort>
      <TriggerField />
    </DataTable.Col>
  ),
  progress: (
    <DataTable.Col key="progress" label="Progress" disableSort>
      <ProgressField />
    </DataTable.Col>
  ),
  score: (
    <DataTable.Col key="score" label="Score" disableSort>
      <ScoreField />
    </DataTable.Col>
  ),
  queued: (
    <DataTable.Col key="queued" label="Queued" disableSort>
      <Queued />
    </DataTable.Col>
  ),
  duration: <DataTable.Col key="duration" label="Duration" disableSort render={(e: Evaluation) => formatDuration(e.durationMs)} />,
  /** The failure reason on its own: the evaluation list, where provenance would crowd the row. */
  failure: (
    <DataTable.Col key="failure" label="Failure" disableSort sx={{ maxWidth: 360 }}>
      <FailureField />
    </DataTable.Col>
  ),
  /** Provenance with the failure reason under it: a model's versions, where readers compare how scores were made. */
  provenance: (
    <DataTable.Col key="provenance" label="Provenance" disableSort sx={{ maxWidth: 380 }}>
      <ProvenanceSummaryField />
      <FailureField />
    </DataTable.Col>
  ),
  /** Finish time, with queue time, duration and attempts in its tooltip. */
  finished: (
    <DataTable.Col key="finished" label="Finished" disableSort>
      <Finished />
    </DataTable.Col>
  ),
  samples: (
    <DataTable.Col key="samples" label="Samples" disableSort>
      <Samples />
    </DataTable.Col>
  ),
} satisfies Record<string, ReactElement>;

export type EvaluationColumn = keyof typeof COLUMNS;

const Body = bodyWithRowTestId('evaluation-row');

/**
 * The evaluation columns, defined once for every table of evaluations (the evaluation list, a model's
 * versions): each caller names the columns it shows, in order. Rows open the evaluation and carry
 * `data-testid="evaluation-row"`. Use inside a list context of the `evaluations` resource.
 */
export const EvaluationTable = ({
  columns,
  ...props
}: { columns: readonly EvaluationColumn[] } & Omit<DataTableProps<Evaluation>, 'children' | 'rowClick' | 'bulkActionButtons' | 'body'>) => (
  <DataTable<Evaluation> rowClick="show" bulkActionButtons={false} body={Body} {...props}>
    {columns.map((c) => COLUMNS[c])}
  </DataTable>
);
