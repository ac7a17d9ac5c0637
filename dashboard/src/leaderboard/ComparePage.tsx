import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import {
  Alert,
  Box,
  Card,
  CardContent,
  CircularProgress,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { lazy, Suspense } from 'react';
import { Button, Link, Title, useGetMany, useGetOne, useLocation } from 'react-admin';
import type { Evaluation, Suite } from '../api-types';
import { SamplesSideBySide } from '../common/KeptSamples';
import { SampleGrid } from '../common/SampleGrid';
import { formatHardware } from '../format';
import { bestIndices, directionArrow, formatMetric, metricLabel, orderMetrics, useMetricRegistry } from '../metrics';
import { MAX_COMPARE } from './LeaderboardBoard';

// recharts is the largest dependency; only this page needs it.
const CompareCharts = lazy(() => import('./CompareCharts'));

const PROVENANCE_ROWS: Array<[string, (e: Evaluation) => string]> = [
  ['Suite version', (e) => (e.provenance?.suite ? `v${e.provenance.suite.version}` : `v${e.suite.version}`)],
  ['Runner', (e) => e.provenance?.runnerVersion ?? '—'],
  ['onnxruntime', (e) => e.provenance?.onnxruntimeVersion ?? '—'],
  ['Execution provider', (e) => e.provenance?.executionProvider ?? '—'],
  ['Hardware', (e) => formatHardware(e.provenance?.hardware)],
  ['Seed', (e) => (e.provenance?.seed != null ? String(e.provenance.seed) : '—')],
  ['Sampler', (e) => samplerSummary(e.provenance?.protocol)],
];

/** Denoiser suites record their sampler in the protocol; other suites have none. */
function samplerSummary(protocol: Record<string, unknown> | undefined): string {
  if (typeof protocol?.solver !== 'string') return '—';
  const parts = [`${protocol.solver} ${String(protocol.steps)} steps`];
  if (typeof protocol.guidance === 'number' && protocol.guidance !== 1) parts.push(`w ${protocol.guidance}`);
  if (typeof protocol.nfe === 'number') parts.push(`NFE ${protocol.nfe}`);
  return parts.join(', ');
}

/** The sample grids in the table's column order; an evaluation without one keeps its place, empty. */
const SampleGrids = ({ evaluations }: { evaluations: Evaluation[] }) => {
  if (!evaluations.some((e) => e.sampleGrid)) return null;
  return (
    <Card variant="outlined" sx={{ mt: 2 }} data-testid="compare-samples">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Samples
        </Typography>
        <Box sx={{ display: 'grid', gridTemplateColumns: `repeat(${evaluations.length}, minmax(0, 1fr))`, gap: 2 }}>
          {evaluations.map((e) => (
            <Box key={e.id} sx={{ display: 'flex', justifyContent: 'center' }}>
              {e.sampleGrid ? (
                <SampleGrid
                  url={e.sampleGrid}
                  alt={`samples of ${e.model.name} v${e.model.version} on ${e.suite.id}`}
                  size={240}
                  caption={`${e.model.name} v${e.model.version}`}
                />
              ) : (
                <Typography variant="body2" color="text.secondary" sx={{ alignSelf: 'center' }}>
                  no samples stored for {e.model.name} v{e.model.version}
                </Typography>
              )}
            </Box>
          ))}
        </Box>
      </CardContent>
    </Card>
  );
};

/**
 * 2–4 scores on one suite side by side, the better value of each metric marked (the suite's direction
 * for its primary metric, the metric's own for the rest). The URL names the evaluations, so it can be shared.
 */
export const ComparePage = () => {
  const params = new URLSearchParams(useLocation().search);
  const suiteId = params.get('suite') ?? '';
  const ids = (params.get('evaluations') ?? '').split(',').filter(Boolean).slice(0, MAX_COMPARE);
  const suite = useGetOne<Suite>('suites', { id: suiteId }, { enabled: suiteId !== '' });
  const evaluations = useGetMany<Evaluation>('evaluations', { ids });
  const back = `/leaderboards?filter=${encodeURIComponent(JSON.stringify({ suite: suiteId }))}`;

  let content: React.ReactNode;
  if (ids.length < 2) {
    content = (
      <Alert severity="info" data-testid="compare-empty">
        {ids.length === 0 ? 'Nothing to compare yet.' : 'Only one score picked: there is nothing to compare it with yet.'} On a leaderboard,
        tick 2 to {MAX_COMPARE} rows of one suite, then press Compare.
      </Alert>
    );
  } else if (evaluations.error || suite.error) {
    content = <Alert severity="error">Could not load the comparison: {String((evaluations.error ?? suite.error)?.message)}</Alert>;
  } else if (evaluations.isPending || suite.isPending || !evaluations.data || !suite.data) {
    content = <CircularProgress sx={{ m: 4 }} />;
  } else if (evaluations.data.length < 2) {
    // The API answers unknown and private evaluations alike: they are simply not in the answer.
    content = (
      <Alert severity="info" data-testid="compare-empty">
        Nothing to compare: {ids.length - evaluations.data.length} of the {ids.length} scores in this link were not found, or are private.
      </Alert>
    );
  } else {
    content = <Comparison suite={suite.data} evaluations={evaluations.data} />;
  }
  return (
    <Box sx={{ mt: 1 }}>
      <Title title={suiteId ? `Compare on ${suiteId}` : 'Compare'} />
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2 }}>
        <Button label="Leaderboard" to={back}>
          <ArrowBackIcon />
        </Button>
        <Typography variant="h5" component="h1">
          {suiteId ? `Compare on ${suiteId}` : 'Compare'}
        </Typography>
      </Box>
      {content}
    </Box>
  );
};

const Comparison = ({ suite, evaluations }: { suite: Suite; evaluations: Evaluation[] }) => {
  const { higherIsBetter } = useMetricRegistry();
  const primary = suite.primaryMetric ? { id: suite.primaryMetric, higherIsBetter: suite.higherIsBetter ?? false } : undefined;
  const metrics = orderMetrics(
    evaluations.flatMap((e) => Object.keys(e.metrics)),
    suite.primaryMetric ?? undefined,
  );
  const mixedVersions = new Set(evaluations.map((e) => e.suite.version)).size > 1;
  return (
    <>
      {mixedVersions && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          These scores come from different versions of {suite.id}; they are not directly comparable.
        </Alert>
      )}
      <Card variant="outlined">
        <CardContent sx={{ overflowX: 'auto' }}>
          <Table size="small" data-testid="compare-table">
            <TableHead>
              <TableRow>
                <TableCell>Metric</TableCell>
                {evaluations.map((e) => (
                  <TableCell key={e.id} align="right" data-testid="compare-model">
                    <Link to={`/models/${e.model.id}/show`}>
                      {e.model.name} v{e.model.version}
                    </Link>
                    <Typography variant="caption" component="div" color="text.secondary">
                      {e.model.owner} · <Link to={`/evaluations/${e.id}/show`}>evaluation</Link>
                    </Typography>
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {metrics.map((m) => {
                const hib = higherIsBetter(m, primary);
                const values = evaluations.map((e) => e.metrics[m]);
                const best = bestIndices(values, hib);
                return (
                  <TableRow key={m} data-testid={`compare-row-${m}`}>
                    <TableCell component="th" scope="row" sx={{ fontWeight: m === suite.primaryMetric ? 600 : 400 }}>
                      {metricLabel(m)} {directionArrow(hib)}
                      {m === suite.primaryMetric && (
                        <Typography component="span" variant="caption" color="text.secondary">
                          {' '}
                          primary
                        </Typography>
                      )}
                    </TableCell>
                    {evaluations.map((e, i) => {
                      const iv = e.intervals[m];
                      const isBest = best.has(i);
                      return (
                        <TableCell
                          key={e.id}
                          align="right"
                          data-testid={isBest ? 'compare-best' : 'compare-value'}
                          data-best={isBest}
                          sx={{
                            fontVariantNumeric: 'tabular-nums',
                            fontWeight: isBest ? 700 : 400,
                            bgcolor: isBest ? 'success.light' : undefined,
                            color: isBest ? 'success.contrastText' : undefined,
                          }}
                        >
                          {isBest && <span aria-label="best">★ </span>}
                          {formatMetric(values[i])}
                          {iv && (
                            <Typography variant="caption" component="div" sx={{ opacity: 0.8 }}>
                              [{formatMetric(iv[0])}, {formatMetric(iv[1])}]
                            </Typography>
                          )}
                        </TableCell>
                      );
                    })}
                  </TableRow>
                );
              })}
              {PROVENANCE_ROWS.map(([label, get]) => {
                const values = evaluations.map(get);
                const differs = new Set(values).size > 1;
                return (
                  <TableRow key={label}>
                    <TableCell component="th" scope="row" sx={{ color: 'text.secondary' }}>
                      {label}
                      {differs && (
                        <Typography component="span" variant="caption" color="warning.main">
                          {' '}
                          differs
                        </Typography>
                      )}
                    </TableCell>
                    {values.map((v, i) => (
                      <TableCell
                        key={evaluations[i]!.id}
                        align="right"
                        sx={{ color: 'text.secondary', fontFamily: 'monospace', fontSize: 12 }}
                      >
                        {v}
                      </TableCell>
                    ))}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <SamplesSideBySide evaluations={evaluations} />
      <SampleGrids evaluations={evaluations} />
      <Suspense fallback={<CircularProgress sx={{ m: 4 }} />}>
        <CompareCharts evaluations={evaluations} metrics={metrics} primary={primary} />
      </Suspense>
    </>
  );
};
