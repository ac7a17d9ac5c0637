import CompareIcon from '@mui/icons-material/CompareArrows';
import { Box, Card, CardHeader, Chip, LinearProgress, ToggleButton, ToggleButtonGroup, Tooltip, Typography } from '@mui/material';
import { useMemo } from 'react';
import {
  Button,
  DataTable,
  type Identifier,
  Link,
  ListBase,
  ListContextProvider,
  type ListControllerResult,
  Pagination,
  useListContext,
  useNavigate,
} from 'react-admin';
import type { Board, BoardSuite, LeaderboardEntry, SamplerProtocol } from '../api-types';
import { ARENA_SORT_FIELD, type FilterValues } from '../data-provider';
import { DriftChip } from '../common/evaluation-fields';
import { bodyWithRowTestId } from '../common/row-test-id';
import { formatDate, taskLabel } from '../format';
import { directionArrow, formatMetric, metricLabel, orderMetrics, useMetricRegistry } from '../metrics';

export const MAX_COMPARE = 4;

const ROWS_PER_PAGE = [10, 25, 50, 100];

const Body = bodyWithRowTestId('leaderboard-row');

export const compareUrl = (suiteId: string, evaluationIds: Identifier[]) =>
  `/leaderboards/compare?${new URLSearchParams({ suite: suiteId, evaluations: evaluationIds.join(',') })}`;

const CompareButton = ({ suiteId }: { suiteId: string }) => {
  const { selectedIds } = useListContext<LeaderboardEntry>();
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

const ModelCell = ({ entry, primaryMetric }: { entry: LeaderboardEntry; primaryMetric: string }) => (
  <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
    <Link to={`/models/${entry.model.id}/show`} data-testid="leaderboard-model-link">
      {entry.model.name}{' '}
      <Box component="span" sx={{ color: 'text.secondary' }}>
        v{entry.modelVersion}
      </Box>
    </Link>
    {(entry.visibility ?? entry.model.visibility) === 'private' && (
      <Tooltip title="this version is private: only its submitter and admins see it">
        <Chip size="small" label="private" variant="outlined" sx={{ height: 20, fontSize: 11 }} data-testid="leaderboard-private" />
      </Tooltip>
    )}
    {/* Only the flagged ones: a drift within tolerance is the expected outcome of a nightly re-evaluation. */}
    {entry.drift?.flagged && <DriftChip drift={entry.drift} metric={primaryMetric} />}
  </Box>
);

const RankCell = ({ rank }: { rank: number }) => (
  <Box component="span" data-testid="leaderboard-rank" sx={{ fontWeight: rank <= 3 ? 700 : 400, fontVariantNumeric: 'tabular-nums' }}>
    {rank}
  </Box>
);

const MetricCell = ({ entry, metric, isPrimary }: { entry: LeaderboardEntry; metric: string; isPrimary: boolean }) => {
  const iv = entry.intervals?.[metric];
  return (
    <Box component="span" sx={{ display: 'inline-flex', flexDirection: 'column', alignItems: 'flex-end' }}>
      <Box
        component="span"
        data-testid={`metric-${metric}`}
        data-value={entry.metrics[metric]}
        sx={{ fontWeight: isPrimary ? 600 : 400, fontVariantNumeric: 'tabular-nums' }}
      >
        {formatMetric(entry.metrics[metric])}
      </Box>
      {iv && (
        <Box
          component="span"
          data-testid={`interval-${metric}`}
          sx={{ fontSize: 11, color: 'text.secondary', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}
        >
          [{formatMetric(iv[0])}, {formatMetric(iv[1])}]
        </Box>
      )}
    </Box>
  );
};

/** The arena's rating with its 95% interval, or why there is none (too few votes), or — when the arena has not rated the version. */
const ArenaCell = ({ entry }: { entry: LeaderboardEntry }) => {
  const a = entry.arena;
  if (!a) return <>—</>;
  if (a.rating === null)
    return (
      <Tooltip title={a.note ?? ''}>
        <Box
          component="span"
          data-testid="leaderboard-arena"
          data-votes={a.votes}
          sx={{ fontSize: 12, color: 'text.secondary', whiteSpace: 'nowrap' }}
        >
          too few votes ({a.votes})
        </Box>
      </Tooltip>
    );
  return (
    <Box component="span" sx={{ display: 'inline-flex', flexDirection: 'column', alignItems: 'flex-end' }}>
      <Box component="span" data-testid="leaderboard-arena" data-value={a.rating} sx={{ fontVariantNumeric: 'tabular-nums' }}>
        {Math.round(a.rating)}
      </Box>
      <Box component="span" sx={{ fontSize: 11, color: 'text.secondary', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        {a.low !== null && a.high !== null ? `[${Math.round(a.low)}, ${Math.round(a.high)}] · ` : ''}
        {a.votes} votes
      </Box>
    </Box>
  );
};

/**
 * Rank by the primary metric or by the arena's rating (GET /api/leaderboards?sort=arena): the page's sort,
 * so it is kept in the URL like a column's.
 */
const RankBy = ({ suite, setSort }: { suite: BoardSuite; setSort: ListControllerResult['setSort'] }) => {
  const { sort } = useListContext<LeaderboardEntry>();
  const value = sort?.field === ARENA_SORT_FIELD ? 'arena' : 'metric';
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 2, pb: 1 }}>
      <Typography variant="caption" color="text.secondary">
        Rank by
      </Typography>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={value}
        onChange={(_, v: 'metric' | 'arena' | null) => {
          if (v === 'arena') setSort({ field: ARENA_SORT_FIELD, order: 'DESC' });
          else if (v === 'metric') setSort({ field: 'rank', order: 'ASC' });
        }}
        data-testid={`rank-by-${suite.id}`}
      >
        <ToggleButton value="metric" data-testid="rank-by-metric" sx={{ py: 0.25, textTransform: 'none' }}>
          {metricLabel(suite.primaryMetric)}
        </ToggleButton>
        <ToggleButton value="arena" data-testid="rank-by-arena" sx={{ py: 0.25, textTransform: 'none' }}>
          arena rating
        </ToggleButton>
      </ToggleButtonGroup>
    </Box>
  );
};

/** Denoiser suites record how they sampled; a sampler or step count that changed between entries matters. */
const sampler = (e: LeaderboardEntry): SamplerProtocol | undefined =>
  typeof e.protocol?.solver === 'string' && typeof e.protocol.steps === 'number' ? (e.protocol as SamplerProtocol) : undefined;

const SamplerCell = ({ entry }: { entry: LeaderboardEntry }) => {
  const s = sampler(entry);
  if (!s) return <>—</>;
  const extras = [
    s.guidance != null && s.guidance !== 1 ? `w = ${s.guidance}` : null,
    s.eta ? `η = ${s.eta}` : null,
    s.spacing ? `${s.spacing} spacing` : null,
  ].filter(Boolean);
  return (
    <Box component="span" data-testid="leaderboard-sampler" sx={{ whiteSpace: 'nowrap' }}>
      {s.solver}, {s.steps} {s.steps === 1 ? 'step' : 'steps'}
      {extras.length > 0 && (
        <Box component="span" sx={{ display: 'block', fontSize: 11, color: 'text.secondary' }}>
          {extras.join(' · ')}
        </Box>
      )}
    </Box>
  );
};

const NfeCell = ({ entry }: { entry: LeaderboardEntry }) => {
  const s = sampler(entry);
  if (s?.nfe == null) return <>—</>;
  const rows = s.networkEvaluations ?? s.nfe;
  return (
    <Tooltip
      title={
        rows !== s.nfe ? `${rows} network rows per sample (classifier-free guidance runs two per step)` : 'network evaluations per sample'
      }
    >
      <Box component="span" data-testid="leaderboard-nfe" sx={{ fontVariantNumeric: 'tabular-nums' }}>
        {s.nfe}
      </Box>
    </Tooltip>
  );
};

const protocolLabel = (p: string) =>
  ({ 'dataset-hungarian': 'dataset-level Hungarian matching', 'per-image-hungarian': 'per-image Hungarian matching' })[p] ?? p;

const BoardHeader = ({ suite, total }: { suite: BoardSuite; total: number }) => (
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
        {suite.frames != null && (
          <Tooltip title="frames per video: video boards are per resolution and frame count">
            <Chip
              size="small"
              variant="outlined"
              label={`${suite.frames} frames${suite.fps != null ? ` @ ${suite.fps} fps` : ''}`}
              data-testid="board-frames"
            />
          </Tooltip>
        )}
        {suite.protocol && (
          <Tooltip title="Entries scored under another matching protocol are on that protocol's own board">
            <Chip size="small" variant="outlined" color="primary" label={protocolLabel(suite.protocol)} data-testid="board-protocol" />
          </Tooltip>
        )}
        {suite.classes != null && (
          <Tooltip title="number of ground-truth classes the clusters are matched to">
            <Chip size="small" variant="outlined" label={`K = ${suite.classes}`} data-testid="board-classes" />
          </Tooltip>
        )}
        <Chip
          size="small"
          variant="outlined"
          label={`ranked by ${metricLabel(suite.primaryMetric)} ${directionArrow(suite.higherIsBetter)}`}
        />
        <Typography variant="caption" color="text.secondary" sx={{ alignSelf: 'center' }} data-testid="board-total">
          {total === 0 ? 'no entries yet' : `${total} ${total === 1 ? 'entry' : 'entries'}`}
          {/* Only where there is something to compare. */}
          {total >= 2 && ` · tick 2–${MAX_COMPARE} rows to compare`}
        </Typography>
      </Box>
    }
    sx={{ pb: 1 }}
  />
);

/**
 * The board's rows: its own list (below), whose sort is the page's. Selection is capped at what Compare
 * takes, the select-all checkbox included.
 */
const BoardTable = ({ suite, setSort }: { suite: BoardSuite; setSort: ListControllerResult['setSort'] }) => {
  const list = useListContext<LeaderboardEntry>();
  const metricRegistry = useMetricRegistry();
  const { onSelect } = list;
  const context = useMemo(
    () => ({ ...list, setSort, onSelect: (ids: LeaderboardEntry['id'][]) => onSelect(ids.slice(0, MAX_COMPARE)) }),
    [list, setSort, onSelect],
  );
  const entries = list.data ?? [];
  const primary = { id: suite.primaryMetric, higherIsBetter: suite.higherIsBetter };
  const metrics = orderMetrics(
    entries.flatMap((e) => Object.keys(e.metrics)),
    suite.primaryMetric,
  );
  const hasSampler = entries.some((e) => sampler(e));
  const byArena = list.sort?.field === ARENA_SORT_FIELD;
  // Only boards people have voted on (or one already ranked by the arena) get the column and the control.
  const hasArena = byArena || entries.some((e) => e.arena);
  const isRowSelectable = (e: LeaderboardEntry) => list.selectedIds.includes(e.id) || list.selectedIds.length < MAX_COMPARE;
  return (
    <ListContextProvider value={context}>
      {list.isFetching && <LinearProgress sx={{ height: 2 }} />}
      {list.error ? (
        <Typography color="error" sx={{ px: 2, pb: 2 }}>
          Could not load this page of the board: {list.error.message}
        </Typography>
      ) : (
        <>
          {hasArena && <RankBy suite={suite} setSort={setSort} />}
          <DataTable<LeaderboardEntry>
            rowClick={false}
            body={Body}
            bulkActionButtons={<CompareButton suiteId={suite.id} />}
            isRowSelectable={isRowSelectable}
            data-testid={`leaderboard-table-${suite.id}`}
            storeKey={`leaderboards.${suite.id}.datatable`}
          >
            <DataTable.Col source="rank" label="#" render={(e: LeaderboardEntry) => <RankCell rank={e.rank} />} />
            <DataTable.Col
              source="model.name"
              label="Model"
              render={(e: LeaderboardEntry) => <ModelCell entry={e} primaryMetric={suite.primaryMetric} />}
            />
            <DataTable.Col source="model.owner" label="Submitter" />
            {hasSampler && (
              <DataTable.Col source="protocol.solver" label="Sampler" render={(e: LeaderboardEntry) => <SamplerCell entry={e} />} />
            )}
            {hasSampler && (
              <DataTable.Col source="protocol.nfe" label="NFE" align="right" render={(e: LeaderboardEntry) => <NfeCell entry={e} />} />
            )}
            {metrics.map((m) => {
              const hib = metricRegistry.higherIsBetter(m, primary);
              return (
                // Not NumberCol: its NumberField would replace `render` (locale digits, no interval).
                <DataTable.Col
                  key={m}
                  source={`metrics.${m}`}
                  align="right"
                  label={`${metricLabel(m)} ${directionArrow(hib)}`}
                  sortByOrder={hib ? 'DESC' : 'ASC'}
                  render={(e: LeaderboardEntry) => <MetricCell entry={e} metric={m} isPrimary={m === suite.primaryMetric} />}
                />
              );
            })}
            {hasArena && (
              <DataTable.Col
                source={ARENA_SORT_FIELD}
                label="Arena"
                align="right"
                sortByOrder="DESC"
                render={(e: LeaderboardEntry) => <ArenaCell entry={e} />}
              />
            )}
            <DataTable.Col
              source="finishedAt"
              label="Date"
              render={(e: LeaderboardEntry) => (
                <Tooltip title={e.trigger === 'nightly' ? 'score from a scheduled re-evaluation' : `score from the ${e.trigger}`}>
                  <Box component="span" sx={{ whiteSpace: 'nowrap' }}>
                    {formatDate(e.finishedAt)}
                    {e.trigger !== 'submit' && (
                      <Box component="span" sx={{ display: 'block', fontSize: 11, color: 'text.secondary' }}>
                        {e.trigger}
                      </Box>
                    )}
                  </Box>
                </Tooltip>
              )}
            />
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
          {(list.total ?? 0) > ROWS_PER_PAGE[0]! && <Pagination rowsPerPageOptions={ROWS_PER_PAGE} />}
        </>
      )}
    </ListContextProvider>
  );
};

/** The list's own error notification is left out: the board says what failed, in place. */
const quietErrors = { onError: () => undefined };

/**
 * One suite's board: a list of its entries (`leaderboard-entries` filtered to the suite) with its own page,
 * page size and row selection, since only scores on the same suite version can be compared. Filters and
 * sort order are the page's (kept in the URL): when they change, the board starts again from its top.
 */
export const LeaderboardBoard = ({ board }: { board: Board }) => {
  const outer = useListContext<Board>();
  const { suite, total } = board;
  const filterValues = outer.filterValues as FilterValues;
  return (
    <Card variant="outlined" data-testid={`leaderboard-${suite.id}`}>
      <BoardHeader suite={suite} total={total} />
      {total === 0 ? (
        <Typography color="text.secondary" sx={{ px: 2, pb: 2 }} data-testid="leaderboard-empty">
          No scores on this suite version yet.
        </Typography>
      ) : (
        <ListBase<LeaderboardEntry>
          key={JSON.stringify([filterValues, outer.sort, outer.perPage])}
          resource="leaderboard-entries"
          filter={{ ...filterValues, suite: suite.id }}
          sort={outer.sort}
          perPage={outer.perPage}
          disableSyncWithLocation
          storeKey={false}
          queryOptions={quietErrors}
        >
          <BoardTable suite={suite} setSort={outer.setSort} />
        </ListBase>
      )}
    </Card>
  );
};
