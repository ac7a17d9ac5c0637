import { Box, Card, CardContent, Typography, useTheme } from '@mui/material';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Evaluation } from '../api-types';
import { bestIndices, directionArrow, formatMetric, metricLabel, useMetricRegistry } from '../metrics';

/** Width of one character of the 11 px axis font, rounded up (wide letters included). */
const CHAR_PX = 7;

/** `tiny-gan-smooth v1` in `n` characters: both ends kept (names often share a prefix), `…` between. */
export function abbreviate(label: string, n: number): string {
  if (label.length <= n) return label;
  const keep = Math.max(2, n - 1);
  const head = Math.ceil(keep / 2);
  return `${label.slice(0, head)}…${label.slice(label.length - (keep - head))}`;
}

/**
 * What the compared names share at their start, cut back to a separator (`tiny-gan-` of `tiny-gan-smooth v1`
 * and `tiny-gan-mixed v1`): the labels leave it out, so what tells them apart is what shows.
 */
export function sharedStart(labels: string[]): string {
  if (labels.length < 2) return '';
  let n = 0;
  while (labels.every((l) => n < l.length && l[n] === labels[0]![n])) n++;
  const cut = Math.max(...['-', '_', '.', ' '].map((c) => labels[0]!.lastIndexOf(c, n - 1)));
  return cut >= 3 ? labels[0]!.slice(0, cut + 1) : '';
}

interface TickProps {
  x?: number;
  y?: number;
  payload?: { value?: string | number };
  width?: number;
  visibleTicksCount?: number;
  fill?: string;
  /** Left out of every label (see sharedStart). */
  shared?: string;
}

/**
 * An x-axis label cut to the width of its bar's slot, so neighbours never overlap however long the model
 * names; the full name is the label's own tooltip and the bar's.
 */
const ModelTick = ({ x = 0, y = 0, payload, width = 0, visibleTicksCount = 1, fill, shared = '' }: TickProps) => {
  const full = String(payload?.value ?? '');
  const slot = width / Math.max(1, visibleTicksCount);
  const fits = Math.max(3, Math.floor((slot - 4) / CHAR_PX));
  const own = shared && full.startsWith(shared) && full.length > fits ? `…${full.slice(shared.length)}` : full;
  const text = abbreviate(own, fits);
  return (
    <g transform={`translate(${x},${y})`}>
      <title>{full}</title>
      <text dy={12} textAnchor="middle" fontSize={11} fill={fill} data-testid="compare-chart-label" data-full={full}>
        {text}
      </text>
    </g>
  );
};

/** One small bar chart per metric: the scales differ too much (FID vs precision) to share an axis. */
const CompareCharts = ({
  evaluations,
  metrics,
  primary,
}: {
  evaluations: Evaluation[];
  metrics: string[];
  primary?: { id: string; higherIsBetter: boolean };
}) => {
  const theme = useTheme();
  const { higherIsBetter } = useMetricRegistry();
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))', gap: 2, mt: 2 }} data-testid="compare-charts">
      {metrics.map((m) => {
        const hib = higherIsBetter(m, primary);
        const data = evaluations.map((e) => ({ name: `${e.model.name} v${e.model.version}`, value: e.metrics[m] ?? null }));
        const best = bestIndices(
          data.map((d) => d.value ?? undefined),
          hib,
        );
        return (
          <Card key={m} variant="outlined">
            <CardContent>
              <Typography variant="subtitle2" gutterBottom>
                {metricLabel(m)} {directionArrow(hib)}
              </Typography>
              <ResponsiveContainer width="100%" height={160}>
                <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="name" tick={<ModelTick shared={sharedStart(data.map((d) => d.name))} />} interval={0} />
                  <YAxis tick={{ fontSize: 11 }} width={48} tickFormatter={(v: number) => String(Number(v.toPrecision(3)))} />
                  <Tooltip formatter={(v) => formatMetric(typeof v === 'number' ? v : Number(v))} />
                  <Bar dataKey="value" isAnimationActive={false}>
                    {data.map((d, i) => (
                      <Cell key={d.name} fill={best.has(i) ? theme.palette.success.main : theme.palette.primary.light} />
                    ))}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </CardContent>
          </Card>
        );
      })}
    </Box>
  );
};

export default CompareCharts;
