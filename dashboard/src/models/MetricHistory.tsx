import { Box, Card, CardContent, Paper, Stack, Typography, useTheme } from '@mui/material';
import { CartesianGrid, ErrorBar, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Evaluation, ModelDetail } from '../api-types';
import { SampleGrid } from '../common/SampleGrid';
import { formatDate, formatRelativeChange } from '../format';
import { directionArrow, formatMetric, metricLabel, orderMetrics, useMetricRegistry } from '../metrics';

interface Point {
  t: number;
  value: number;
  /** Distances below and above the value, as ErrorBar draws them. */
  err?: [number, number];
  lo?: number;
  hi?: number;
  evaluation: Evaluation;
}

/** Scores are only comparable within one suite version, so each gets its own group of charts. */
interface SuiteHistory {
  key: string;
  suiteId: string;
  suiteVersion: number;
  primaryMetric: string;
  metrics: string[];
  evaluations: Evaluation[];
}

function histories(model: ModelDetail): SuiteHistory[] {
  const groups = new Map<string, SuiteHistory>();
  for (const v of model.versions) {
    for (const e of v.evaluations) {
      if (e.status !== 'succeeded' || !e.finishedAt) continue;
      const key = `${e.suite.id} v${e.suite.version}`;
      const g = groups.get(key) ?? {
        key,
        suiteId: e.suite.id,
        suiteVersion: e.suite.version,
        primaryMetric: e.suite.primaryMetric,
        metrics: [],
        evaluations: [],
      };
      g.evaluations.push({ ...e, model: { ...e.model, version: e.model.version ?? v.version } });
      groups.set(key, g);
    }
  }
  return [...groups.values()]
    .map((g) => ({
      ...g,
      metrics: orderMetrics(
        g.evaluations.flatMap((e) => Object.keys(e.metrics)),
        g.primaryMetric,
      ),
      evaluations: g.evaluations.sort((a, b) => Date.parse(a.finishedAt!) - Date.parse(b.finishedAt!)),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** One series per model version: a re-evaluation scores the same version again, so its points continue the line. */
function series(evaluations: Evaluation[], metric: string): Array<{ version: number; points: Point[] }> {
  const byVersion = new Map<number, Point[]>();
  for (const e of evaluations) {
    const value = e.metrics[metric];
    if (value == null) continue;
    const iv = e.intervals?.[metric];
    const p: Point = { t: Date.parse(e.finishedAt!), value, evaluation: e };
    if (iv) Object.assign(p, { lo: iv[0], hi: iv[1], err: [value - iv[0], iv[1] - value] });
    byVersion.set(e.model.version, [...(byVersion.get(e.model.version) ?? []), p]);
  }
  return [...byVersion.entries()].sort(([a], [b]) => a - b).map(([version, points]) => ({ version, points }));
}

const timeTick = (span: number) => (t: number) => {
  const s = formatDate(new Date(t).toISOString());
  return span < 2 * 86_400_000 ? s.slice(11) : s.slice(5, 10);
};

const PointTooltip = ({ active, payload, metric }: { active?: boolean; payload?: Array<{ payload: Point }>; metric: string }) => {
  const p = payload?.[0]?.payload;
  if (!active || !p) return null;
  const e = p.evaluation;
  return (
    <Paper variant="outlined" sx={{ p: 1, fontSize: 12 }}>
      <div>
        <strong>{formatMetric(p.value)}</strong> {metricLabel(metric)}
        {p.lo != null && p.hi != null && ` [${formatMetric(p.lo)}, ${formatMetric(p.hi)}]`}
      </div>
      <div>
        v{e.model.version} · {e.trigger} · {formatDate(e.finishedAt)}
      </div>
      {e.drift && (
        <div style={{ color: e.drift.flagged ? '#ed6c02' : undefined }}>
          drift {formatRelativeChange(e.drift.relativeChange)}
          {e.drift.flagged ? ' (beyond tolerance)' : ''}
        </div>
      )}
    </Paper>
  );
};

const PALETTE = ['#1976d2', '#9c27b0', '#2e7d32', '#ed6c02', '#0288d1', '#6d4c41'];

const MetricChart = ({ history, metric }: { history: SuiteHistory; metric: string }) => {
  const theme = useTheme();
  const registry = useMetricRegistry();
  const hib = registry.higherIsBetter(metric);
  const lines = series(history.evaluations, metric);
  const ts = lines.flatMap((l) => l.points.map((p) => p.t));
  const span = Math.max(...ts) - Math.min(...ts);
  // A lone point (or points minutes apart) still gets an axis a reader can place in time.
  const pad = Math.max(span * 0.05, 60_000);
  return (
    <Box data-testid={`history-${history.suiteId}-${metric}`}>
      <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'baseline' }}>
        <Typography variant="caption" color="text.secondary" title={registry.describe(metric)}>
          {metricLabel(metric)} {directionArrow(hib)}
          {metric === history.primaryMetric && ' · primary'}
        </Typography>
        {lines.length > 1 &&
          lines.map((l, i) => (
            <Typography key={l.version} variant="caption" sx={{ color: PALETTE[i % PALETTE.length] }}>
              ● v{l.version}
            </Typography>
          ))}
      </Box>
      <ResponsiveContainer width="100%" height={150}>
        <LineChart margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            type="number"
            dataKey="t"
            scale="time"
            domain={[Math.min(...ts) - pad, Math.max(...ts) + pad]}
            tickFormatter={timeTick(span)}
            tick={{ fontSize: 10 }}
            tickCount={4}
            allowDuplicatedCategory={false}
          />
          <YAxis
            dataKey="value"
            tick={{ fontSize: 10 }}
            width={52}
            domain={['auto', 'auto']}
            tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
          />
          <Tooltip content={<PointTooltip metric={metric} />} />
          {lines.map((l, i) => {
            const color = PALETTE[i % PALETTE.length]!;
            return (
              <Line
                key={l.version}
                data={l.points}
                dataKey="value"
                name={`v${l.version}`}
                stroke={color}
                isAnimationActive={false}
                dot={({ cx, cy, payload, index }) => {
                  const e = (payload as Point).evaluation;
                  const flagged = e.drift?.flagged;
                  // Filled: the submission's score; hollow: a scheduled re-evaluation; orange: drift beyond tolerance.
                  return (
                    <circle
                      key={`${l.version}-${index}`}
                      cx={cx}
                      cy={cy}
                      r={flagged ? 5 : 4}
                      stroke={flagged ? theme.palette.warning.main : color}
                      strokeWidth={2}
                      fill={flagged ? theme.palette.warning.main : e.trigger === 'submit' ? color : theme.palette.background.paper}
                    />
                  );
                }}
              >
                <ErrorBar dataKey="err" direction="y" width={4} stroke={color} strokeOpacity={0.6} />
              </Line>
            );
          })}
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
};

/**
 * Each metric over time across the model's evaluations (submission and scheduled re-evaluations, at their
 * finish time), one group per suite version, with the latest sample grid beside it.
 */
const MetricHistory = ({ model }: { model: ModelDetail }) => {
  const groups = histories(model);
  if (groups.length === 0) return null;
  return (
    <Card variant="outlined" data-testid="metric-history">
      <CardContent>
        <Typography variant="h6">Scores over time</Typography>
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
          Filled dots: scores from a submission; hollow: scheduled re-evaluations; orange: drift beyond the suite's tolerance. Bars:
          intervals where the suite reports them.
        </Typography>
        <Stack spacing={3}>
          {groups.map((g) => {
            const latestGrid = [...g.evaluations].reverse().find((e) => e.sampleGrid);
            return (
              <Box key={g.key} data-testid={`history-${g.suiteId}`}>
                <Typography variant="subtitle2" sx={{ mb: 1 }}>
                  {g.suiteId}{' '}
                  <Box component="span" sx={{ color: 'text.secondary', fontWeight: 400 }}>
                    v{g.suiteVersion} · {g.evaluations.length} {g.evaluations.length === 1 ? 'score' : 'scores'}
                  </Box>
                </Typography>
                <Box sx={{ display: 'flex', gap: 2, alignItems: 'flex-start' }}>
                  {latestGrid?.sampleGrid && (
                    <SampleGrid
                      url={latestGrid.sampleGrid}
                      alt={`samples of ${model.name} v${latestGrid.model.version} on ${g.suiteId}`}
                      size={176}
                      caption={`latest samples · v${latestGrid.model.version} · ${formatDate(latestGrid.finishedAt)}`}
                    />
                  )}
                  <Box sx={{ flex: 1, minWidth: 0, display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: 2 }}>
                    {g.metrics.map((m) => (
                      <MetricChart key={m} history={g} metric={m} />
                    ))}
                  </Box>
                </Box>
              </Box>
            );
          })}
        </Stack>
      </CardContent>
    </Card>
  );
};

export default MetricHistory;
