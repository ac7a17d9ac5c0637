import CloudOffIcon from '@mui/icons-material/CloudOff';
import DownloadIcon from '@mui/icons-material/Download';
import {
  Alert,
  Box,
  Card,
  CardContent,
  Chip,
  FormControlLabel,
  ListSubheader,
  Menu,
  MenuItem,
  Stack,
  Switch,
  Tooltip,
  Typography,
} from '@mui/material';
import { useMemo, useState } from 'react';
import { Button, Link, List, SelectInput, TopToolbar, useDataProvider, useGetList, useListContext, useNotify } from 'react-admin';
import { type Board, type Suite, TASKS } from '../api-types';
import type { FilterValues, GenbenchDataProvider } from '../data-provider';
import { downloadFile } from '../download';
import { taskLabel } from '../format';
import { ReasonText } from '../suites/Availability';
import { LeaderboardBoard } from './LeaderboardBoard';

/** Entries per board on the first load; each board pages on its own from there. */
const PER_BOARD = 25;

/** Task, resolution and suite choices come from the registered suites, narrowed by the task picked. */
function useFilters() {
  const { data: suites = [], isPending } = useGetList<Suite>('suites', {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: 'id', order: 'ASC' },
  });
  return useMemo(() => {
    const resolutions = [...new Set(suites.map((s) => s.resolution))].sort((a, b) => a - b);
    // Matching protocols of the registered segmentation suites (each protocol is its own suite and board).
    const protocols = [
      ...new Set(
        suites.flatMap((s) => {
          const p = s.versions.find((v) => v.version === s.latestVersion)?.definition.protocol;
          return typeof p === 'string' ? [p] : [];
        }),
      ),
    ].sort();
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
      // Present from the first render, while the suites load, so a protocol in the URL (a shared link) fills
      // it: an input mounted after the filter form would start empty although the boards are filtered.
      ...(isPending || protocols.length
        ? [
            <SelectInput
              key="protocol"
              source="protocol"
              label="Segmentation protocol"
              choices={protocols.map((p) => ({ id: p, name: p }))}
              isPending={isPending}
              emptyText="Any protocol"
              alwaysOn
              sx={{ minWidth: 220 }}
            />,
          ]
        : []),
    ];
  }, [suites, isPending]);
}

/**
 * The leaderboard export of this view's filters: every entry of every board in rank order, as the server
 * writes it (GET /api/leaderboards/export; its columns are decided there once, for CSV and JSON alike).
 */
const ExportMenu = () => {
  const list = useListContext<Board>();
  const { data } = list;
  const filterValues = list.filterValues as FilterValues;
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const notify = useNotify();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const close = () => setAnchor(null);
  const download = async (format: 'csv' | 'json') => {
    close();
    try {
      const { content, filename } = await dataProvider.exportLeaderboards(filterValues, format);
      downloadFile(content, filename, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json');
    } catch (err) {
      notify(`Export failed: ${(err as Error).message}`, { type: 'error' });
    }
  };
  return (
    <>
      <Button
        label="Export"
        onClick={(e: React.MouseEvent<HTMLElement>) => setAnchor(e.currentTarget)}
        disabled={!data?.some((b) => b.total > 0)}
        data-testid="export-menu"
      >
        <DownloadIcon />
      </Button>
      <Menu anchorEl={anchor} open={anchor != null} onClose={close}>
        <ListSubheader sx={{ lineHeight: '32px' }}>Every entry of this view</ListSubheader>
        {/* download reports its own failures (a notification), so its promise never rejects. */}
        <MenuItem onClick={() => void download('csv')} data-testid="export-csv">
          CSV
        </MenuItem>
        <MenuItem onClick={() => void download('json')} data-testid="export-json">
          JSON
        </MenuItem>
      </Menu>
    </>
  );
};

/**
 * A board ranks models: each model's newest scored version the reader may see. The switch asks for every
 * version instead (GET /api/leaderboards?versions=all); it is a list filter, so it lives in the URL too.
 */
const VersionsToggle = () => {
  const list = useListContext<Board>();
  const filterValues = list.filterValues as FilterValues;
  const all = filterValues.versions === 'all';
  return (
    <Tooltip
      title={all ? 'one row per model version' : "one row per model: its newest scored version (older ones are on the model's page)"}
    >
      <FormControlLabel
        sx={{ mr: 2 }}
        control={
          <Switch
            size="small"
            checked={all}
            onChange={(_, checked) => {
              const rest = Object.fromEntries(Object.entries(filterValues).filter(([k]) => k !== 'versions'));
              list.setFilters(checked ? { ...rest, versions: 'all' } : rest, list.displayedFilters as Record<string, boolean>);
            }}
            slotProps={{ input: { 'aria-label': 'every version' } }}
            data-testid="versions-toggle"
          />
        }
        label={<Typography variant="body2">Every version</Typography>}
      />
    </Tooltip>
  );
};

const Actions = () => (
  <TopToolbar sx={{ alignItems: 'center' }}>
    <VersionsToggle />
    <ExportMenu />
  </TopToolbar>
);

const UnscoredChip = ({ suite, availability }: { suite: Board['suite']; availability?: Suite }) => {
  const unavailable = availability?.available === false;
  const facts = `${taskLabel(suite.task)} · ${suite.resolution}px${suite.frames != null ? ` · ${suite.frames} frames` : ''}${suite.protocol ? ` · ${suite.protocol}` : ''}`;
  return (
    <Tooltip
      title={
        unavailable ? (
          <>
            {facts} · not available on this server, so submissions skip it:
            <ReasonText reason={availability.unavailableReason} />
          </>
        ) : (
          facts
        )
      }
    >
      <Chip
        size="small"
        variant="outlined"
        color={unavailable ? 'warning' : 'default'}
        icon={unavailable ? <CloudOffIcon /> : undefined}
        component={Link}
        to={`/suites/${encodeURIComponent(suite.id)}/show`}
        clickable
        label={`${suite.id} v${suite.version}`}
        data-testid="unscored-suite"
        data-suite={suite.id}
        data-available={availability ? String(availability.available) : undefined}
      />
    </Tooltip>
  );
};

/**
 * Suites nobody has scored yet, in one line each rather than one empty card each: those this server can
 * run first, then those it lacks the files for (why, and what to download, on hover and on the suite page).
 */
const Unscored = ({ boards }: { boards: Board[] }) => {
  const { data: suites = [] } = useGetList<Suite>('suites', {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: 'id', order: 'ASC' },
  });
  const byId = new Map(suites.map((s) => [s.id, s]));
  const runnable = boards.filter((b) => byId.get(b.suite.id)?.available !== false);
  const unavailable = boards.filter((b) => byId.get(b.suite.id)?.available === false);
  return (
    <Card variant="outlined" data-testid="leaderboard-unscored">
      <CardContent sx={{ '&:last-child': { pb: 2 } }}>
        {runnable.length > 0 && (
          <>
            <Typography variant="subtitle2" gutterBottom>
              No scores yet
            </Typography>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: unavailable.length ? 2 : 0 }}>
              {runnable.map(({ suite }) => (
                <UnscoredChip key={suite.id} suite={suite} availability={byId.get(suite.id)} />
              ))}
            </Box>
          </>
        )}
        {unavailable.length > 0 && (
          <>
            <Typography variant="subtitle2" data-testid="unscored-unavailable-title">
              No scores yet, and not available on this server
            </Typography>
            <Typography variant="caption" color="text.secondary" component="p" gutterBottom>
              Their reference data or extractor is not downloaded here, so submissions skip them. Hover a suite, or open it, for what to
              download.
            </Typography>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
              {unavailable.map(({ suite }) => (
                <UnscoredChip key={suite.id} suite={suite} availability={byId.get(suite.id)} />
              ))}
            </Box>
          </>
        )}
      </CardContent>
    </Card>
  );
};

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
  // A board picked on its own keeps its header even while empty.
  const scored = data.length === 1 ? data : data.filter((b) => b.total > 0);
  const unscored = data.length === 1 ? [] : data.filter((b) => b.total === 0);
  return (
    <Stack spacing={3} sx={{ p: 2 }}>
      {scored.map((board) => (
        <LeaderboardBoard key={board.id} board={board} />
      ))}
      {unscored.length > 0 && <Unscored boards={unscored} />}
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
      perPage={PER_BOARD}
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
