import { Box, Card, CardContent, Chip, Grid, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link, Show, useRecordContext } from 'react-admin';
import type { Evaluation } from '../api-types';
import { DriftChip, FailureField, ProgressField, ScoreField, StatusField, TriggerChip } from '../common/evaluation-fields';
import { pollEvaluation } from '../common/polling';
import { ProvenanceTable } from '../common/ProvenanceTable';
import { KeptSamplesPanel } from '../common/KeptSamples';
import { SampleGrid } from '../common/SampleGrid';
import { StageBreakdownTable } from '../common/StageBreakdownTable';
import { formatDate, formatDuration } from '../format';
import { directionArrow, formatMetric, metricLabel, orderMetrics, useMetricRegistry } from '../metrics';
import { keepErrorOnPage, NotFoundOrPrivate } from '../common/NotFoundOrPrivate';

const EvaluationTitle = () => {
  const e = useRecordContext<Evaluation>();
  return <>{e ? `${e.model.name} v${e.model.version} on ${e.suite.id} v${e.suite.version}` : 'Evaluation'}</>;
};

const Fact = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Box>
    <Typography variant="caption" color="text.secondary" component="div">
      {label}
    </Typography>
    <Typography variant="body2" component="div">
      {children}
    </Typography>
  </Box>
);

const Summary = () => {
  const e = useRecordContext<Evaluation>();
  if (!e) return null;
  const leaderboard = `/leaderboards?filter=${encodeURIComponent(JSON.stringify({ suite: e.suite.id }))}`;
  return (
    <Card variant="outlined">
      <CardContent>
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={3} sx={{ alignItems: { md: 'center' }, justifyContent: 'space-between' }}>
          <Box>
            <Typography variant="h5" component="h1" gutterBottom>
              <Link to={`/models/${e.model.id}/show`}>{e.model.name}</Link>{' '}
              <Typography component="span" variant="h5" color="text.secondary">
                v{e.model.version}
              </Typography>
            </Typography>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <StatusField />
              <Typography variant="body2" color="text.secondary">
                on <Link to={`/suites/${encodeURIComponent(e.suite.id)}/show`}>{e.suite.id}</Link> v{e.suite.version} · by {e.model.owner} ·{' '}
                <Link to={leaderboard}>leaderboard</Link>
              </Typography>
            </Stack>
          </Box>
          <ScoreField size="h4" />
        </Stack>
        <Box sx={{ my: 2 }}>
          <ProgressField width="100%" />
        </Box>
        <Box sx={{ mb: 2 }}>
          <StageBreakdownTable />
        </Box>
        <FailureField />
        <Stack direction="row" spacing={4} sx={{ mt: 2, flexWrap: 'wrap' }} useFlexGap>
          <Fact label="Queued">{formatDate(e.queuedAt)}</Fact>
          <Fact label="Started">{formatDate(e.startedAt)}</Fact>
          <Fact label="Finished">{formatDate(e.finishedAt)}</Fact>
          <Fact label="Duration">{formatDuration(e.durationMs)}</Fact>
          <Fact label="Attempts">{e.attempts}</Fact>
          <Fact label="Trigger">
            <TriggerChip trigger={e.trigger} />
          </Fact>
          {e.drift && (
            <Fact label="Drift">
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <DriftChip drift={e.drift} metric={e.suite.primaryMetric} />
                {e.drift.previousEvaluationId && <Link to={`/evaluations/${e.drift.previousEvaluationId}/show`}>previous evaluation</Link>}
              </Stack>
            </Fact>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
};

const Metrics = () => {
  const e = useRecordContext<Evaluation>();
  const { higherIsBetter, describe } = useMetricRegistry();
  if (!e) return null;
  const ids = orderMetrics(Object.keys(e.metrics), e.suite.primaryMetric);
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Metrics
        </Typography>
        {ids.length === 0 ? (
          <Typography color="text.secondary">No metrics yet.</Typography>
        ) : (
          <Table size="small" data-testid="metrics-table">
            <TableHead>
              <TableRow>
                <TableCell>Metric</TableCell>
                <TableCell align="right">Value</TableCell>
                <TableCell align="right">Interval</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {ids.map((m) => {
                const iv = e.intervals[m];
                return (
                  <TableRow key={m} data-testid={`metric-${m}`}>
                    <TableCell sx={{ fontWeight: m === e.suite.primaryMetric ? 600 : undefined }} title={describe(m)}>
                      {metricLabel(m)} {directionArrow(higherIsBetter(m))}
                      {m === e.suite.primaryMetric && <Chip size="small" label="primary" sx={{ ml: 1 }} variant="outlined" />}
                    </TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                      {formatMetric(e.metrics[m])}
                    </TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', color: 'text.secondary' }}>
                      {iv ? `[${formatMetric(iv[0])}, ${formatMetric(iv[1])}]` : '—'}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
};

const Samples = () => {
  const e = useRecordContext<Evaluation>();
  if (!e?.sampleGrid) return null;
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Samples
        </Typography>
        <SampleGrid
          url={e.sampleGrid}
          alt={`samples of ${e.model.name} v${e.model.version} on ${e.suite.id} v${e.suite.version}`}
          size={320}
          caption="The first samples of this evaluation, with the suite's seeds."
        />
      </CardContent>
    </Card>
  );
};

/** Each of the first samples beside what it answered: the prompt (text-to-image) or the class label. */
const KeptSamples = () => {
  const e = useRecordContext<Evaluation>();
  if (!e || (e.status !== 'succeeded' && e.status !== 'running')) return null;
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Samples and their conditions
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Sample i answers the suite's condition i with its seed: every model on this suite is shown the same ones.
        </Typography>
        <KeptSamplesPanel evaluation={e} />
      </CardContent>
    </Card>
  );
};

const Provenance = () => {
  const e = useRecordContext<Evaluation>();
  if (!e) return null;
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Provenance
        </Typography>
        <ProvenanceTable provenance={e.provenance} />
      </CardContent>
    </Card>
  );
};

export const EvaluationShow = () => (
  <Show
    title={<EvaluationTitle />}
    actions={false}
    queryOptions={{ refetchInterval: pollEvaluation, ...keepErrorOnPage }}
    error={<NotFoundOrPrivate what="evaluation" list={{ to: '/evaluations', label: 'All evaluations' }} />}
    component="div"
  >
    <Stack spacing={2} sx={{ mt: 1 }}>
      <Summary />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 5 }}>
          <Metrics />
        </Grid>
        <Grid size={{ xs: 12, md: 7 }}>
          <Stack spacing={2}>
            <Provenance />
            <Samples />
          </Stack>
        </Grid>
      </Grid>
      <KeptSamples />
    </Stack>
  </Show>
);
