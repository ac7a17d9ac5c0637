import CompareIcon from '@mui/icons-material/CompareArrows';
import { Box, Card, CardHeader, Chip, Tooltip, Typography } from '@mui/material';
import { useCallback, useMemo, useState } from 'react';
import {
  Button,
  DataTable,
  type Identifier,
  Link,
  ListContextProvider,
  type ListControllerResult,
  ResourceContextProvider,
  useListContext,
  useNavigate,
} from 'react-admin';
import type { Board, LeaderboardEntry } from '../api-types';
import { bodyWithRowTestId } from '../common/row-test-id';
import { formatDate, taskLabel } from '../format';
import { directionArrow, formatMetric, higherIsBetter, metricLabel, orderMetrics } from '../metrics';

export const MAX_COMPARE = 4;

const Body = bodyWithRowTestId('leaderboard-row');

export const compareUrl = (suiteId: string, evaluationIds: Identifier[]) =>
  `/leaderboards/compare?${new URLSearchParams({ suite: suiteId, evaluations: evaluationIds.join(',') })}`;

const CompareButton = ({ suiteId }: { suiteId: string }) => {
  const { selectedIds } = useListContext();
  const navigate = useNavigate();
  const n = selectedIds.length;
  const ok = n >= 2 && n <= MAX_COMPARE;
  return (
    <Tooltip title={ok ? '' : `select 2 to ${MAX_COMPARE} rows`}>
      <span>
        <Button
          label={`Compare (${n})`}
          disabled={!ok}
          onClick={() => navigate(compareUrl(suiteId, selectedIds))}
          data-testid={`compare-button-${suiteId}`}
        >
          <CompareIcon />
        </Button>
      </span>
    </Tooltip>
  );
};

const ModelCell = ({ entry }: { entry: LeaderboardEntry }) => (
  <Link to={`/models/${entry.model.id}/show`} data-testid="leaderboard-model-link">
    {entry.model.name}{' '}
    <Box component="span" sx={{ color: 'text.secondary' }}>
      v{entry.modelVersion}
    </Box>
  </Link>
);

const RankCell = ({ rank }: { rank: number }) => (
  <Box component="span" data-testid="leaderboard-rank" sx={{ fontWeight: rank <= 3 ? 700 : 400, fontVariantNumeric: 'tabular-nums' }}>
    {rank}
  </Box>
);

/**
 * One suite's board. Sorting is the page's (shared by every board, kept in the URL); row selection is
 * this board's own, since only scores on the same suite version can be compared.
 */
export const LeaderboardBoard = ({ board }: { board: Board }) => {
  const outer = useListContext<Board>();
  const { suite, entries } = board;
  const [selectedIds, setSelectedIds] = useState<Identifier[]>([]);
  const onToggleItem = useCallback(
    (id: Identifier) => setSelectedIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id])),
    [],
  );
  const context = useMemo(
    () =>
      ({
        ...outer,
        data: entries,
        total: entries.length,
        selectedIds,
        onSelect: (ids: Identifier[]) => setSelectedIds(ids.slice(0, MAX_COMPARE)),
        onToggleItem,
        onUnselectItems: () => setSelectedIds([]),
      }) as ListControllerResult<LeaderboardEntry>,
    [outer, entries, selectedIds, onToggleItem],
  );
  const primary = { id: suite.primaryMetric, higherIsBetter: suite.higherIsBetter };
  const metrics = orderMetrics(
    entries.flatMap((e) => Object.keys(e.metrics)),
    suite.primaryMetric,
  );
  const isRowSelectable = (e: LeaderboardEntry) => selectedIds.includes(e.id) || selectedIds.length < MAX_COMPARE;

  return (
    <Card variant="outlined" data-testid={`leaderboard-${suite.id}`}>
      <CardHeader
        title={
          <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1, flexWrap: 'wrap' }}>
            <Link to={`/suites/${encodeURIComponent(suite.id)}/show`} variant="h6" underline="hover" color="inherit">
              {suite.id}
            </Link>
            <Typography variant="body2" color="text.secondary">
              v{suite.version}
            </Typography>
          </Box>
        }
        subheader={
          <Box sx={{ display: 'flex', gap: 1, mt: 0.5, flexWrap: 'wrap' }}>
            <Chip size="small" label={taskLabel(suite.task)} />
            <Chip size="small" variant="outlined" label={`${suite.resolution}px`} />
            <Chip
              size="small"
              variant="outlined"
              label={`ranked by ${metricLabel(suite.primaryMetric)} ${directionArrow(suite.higherIsBetter)}`}
            />
            <Typography variant="caption" color="text.secondary" sx={{ alignSelf: 'center' }}>
              {entries.length} {entries.length === 1 ? 'model' : 'models'} · tick 2–{MAX_COMPARE} rows to compare
            </Typography>
          </Box>
        }
        sx={{ pb: 1 }}
      />
      {entries.length === 0 ? (
        <Typography color="text.secondary" sx={{ px: 2, pb: 2 }} data-testid="leaderboard-empty">
          No scores on this suite version yet.
        </Typography>
      ) : (
        <ResourceContextProvider value="leaderboards">
          <ListContextProvider value={context}>
            <DataTable
              rowClick={false}
              body={Body}
              bulkActionButtons={<CompareButton suiteId={suite.id} />}
              isRowSelectable={isRowSelectable}
              data-testid={`leaderboard-table-${suite.id}`}
              storeKey={`leaderboards.${suite.id}.datatable`}
            >
              <DataTable.Col source="rank" label="#" render={(e: LeaderboardEntry) => <RankCell rank={e.rank} />} />
              <DataTable.Col source="model.name" label="Model" render={(e: LeaderboardEntry) => <ModelCell entry={e} />} />
              <DataTable.Col source="model.owner" label="Submitter" />
              {metrics.map((m) => {
                const hib = higherIsBetter(m, primary);
                const isPrimary = m === suite.primaryMetric;
                return (
                  <DataTable.NumberCol
                    key={m}
                    source={`metrics.${m}`}
                    label={`${metricLabel(m)} ${directionArrow(hib)}`}
                    sortByOrder={hib ? 'DESC' : 'ASC'}
                    render={(e: LeaderboardEntry) => (
                      <Box
                        component="span"
                        data-testid={`metric-${m}`}
                        data-value={e.metrics[m]}
                        sx={{ fontWeight: isPrimary ? 600 : 400, fontVariantNumeric: 'tabular-nums' }}
                      >
                        {formatMetric(e.metrics[m])}
                      </Box>
                    )}
                  />
                );
              })}
              <DataTable.Col source="finishedAt" label="Date" render={(e: LeaderboardEntry) => formatDate(e.finishedAt)} />
              <DataTable.Col
                label=""
                disableSort
                render={(e: LeaderboardEntry) => (
                  <Link to={`/evaluations/${e.evaluationId}/show`} variant="body2">
                    details
                  </Link>
                )}
              />
            </DataTable>
          </ListContextProvider>
        </ResourceContextProvider>
      )}
    </Card>
  );
};
