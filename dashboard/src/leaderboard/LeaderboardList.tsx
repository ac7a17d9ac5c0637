import DownloadIcon from '@mui/icons-material/Download';
import { Alert, Stack } from '@mui/material';
import { useMemo } from 'react';
import { Button, List, SelectInput, TopToolbar, useGetList, useListContext } from 'react-admin';
import { type Board, type Suite, TASKS } from '../api-types';
import { taskLabel } from '../format';
import { LeaderboardBoard } from './LeaderboardBoard';
import { exportBoards } from './leaderboard-export';

/** Task, resolution and suite choices come from the registered suites, narrowed by the task picked. */
function useFilters() {
  const { data: suites = [] } = useGetList<Suite>('suites', {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: 'id', order: 'ASC' },
  });
  return useMemo(() => {
    const resolutions = [...new Set(suites.map((s) => s.resolution))].sort((a, b) => a - b);
    return [
      <SelectInput
        key="task"
        source="task"
        label="Task"
        choices={TASKS.map((t) => ({ id: t, name: taskLabel(t) }))}
        emptyText="All tasks"
        alwaysOn
      />,
      <SelectInput
        key="resolution"
        source="resolution"
        label="Resolution"
        choices={resolutions.map((r) => ({ id: r, name: `${r}px` }))}
        emptyText="All resolutions"
        alwaysOn
      />,
      <SelectInput
        key="suite"
        source="suite"
        label="Suite"
        choices={suites.map((s) => ({ id: s.id, name: s.id }))}
        emptyText="All suites"
        alwaysOn
      />,
    ];
  }, [suites]);
}

const ExportButton = ({ format }: { format: 'csv' | 'json' }) => {
  const { data, filterValues } = useListContext<Board>();
  return (
    <Button
      label={`Export ${format.toUpperCase()}`}
      onClick={() => exportBoards(data ?? [], filterValues, format)}
      disabled={!data?.some((b) => b.entries.length > 0)}
      data-testid={`export-${format}`}
    >
      <DownloadIcon />
    </Button>
  );
};

const Actions = () => (
  <TopToolbar>
    <ExportButton format="csv" />
    <ExportButton format="json" />
  </TopToolbar>
);

const Boards = () => {
  const { data, isPending, error } = useListContext<Board>();
  if (isPending || error) return null;
  if (!data?.length) {
    return (
      <Alert severity="info" sx={{ m: 2 }} data-testid="leaderboard-no-suites">
        No suite matches these filters.
      </Alert>
    );
  }
  return (
    <Stack spacing={3} sx={{ p: 2 }}>
      {data.map((board) => (
        <LeaderboardBoard key={board.id} board={board} />
      ))}
    </Stack>
  );
};

/**
 * One ranked table per suite. Filters and sort order are list parameters, which react-admin keeps in
 * the URL (`#/leaderboards?filter=…&sort=metrics.fid&order=ASC`), so a view can be shared as a link.
 */
export const LeaderboardList = () => {
  const filters = useFilters();
  return (
    <List
      title="Leaderboard"
      filters={filters}
      sort={{ field: 'rank', order: 'ASC' }}
      perPage={100}
      pagination={false}
      actions={<Actions />}
      exporter={false}
      empty={false}
      component="div"
    >
      <Boards />
    </List>
  );
};
