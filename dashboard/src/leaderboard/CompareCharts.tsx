import { Box, Card, CardContent, Typography, useTheme } from '@mui/material';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Evaluation } from '../api-types';
import { bestIndices, directionArrow, formatMetric, metricLabel, useMetricRegistry } from '../metrics';

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
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: 2, mt: 2 }} data-testid="compare-charts">
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
                  <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
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
