import { Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { Link, Show, useRecordContext } from 'react-admin';
import type { Suite } from '../api-types';
import { taskLabel } from '../format';
import { directionArrow, metricLabel } from '../metrics';
import { AvailabilityChip, UnavailableAlert } from './Availability';
import { SuiteVersions } from './SuiteVersions';

const SuiteTitle = () => {
  const s = useRecordContext<Suite>();
  return <>{s ? `Suite ${s.id}` : 'Suite'}</>;
};

const Overview = () => {
  const s = useRecordContext<Suite>();
  if (!s) return null;
  const board = `/leaderboards?filter=${encodeURIComponent(JSON.stringify({ suite: s.id }))}`;
  const evaluations = `/evaluations?filter=${encodeURIComponent(JSON.stringify({ suiteId: s.id }))}`;
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h5" component="h1" gutterBottom>
          {s.id}
        </Typography>
        <Typography color="text.secondary" gutterBottom>
          {s.description}
        </Typography>
        <Stack direction="row" spacing={1} useFlexGap sx={{ my: 1, flexWrap: 'wrap' }}>
          <Chip label={taskLabel(s.task)} />
          <Chip label={`${s.resolution}px`} variant="outlined" />
          {s.primaryMetric && (
            <Chip label={`ranked by ${metricLabel(s.primaryMetric)} ${directionArrow(s.higherIsBetter ?? undefined)}`} variant="outlined" />
          )}
          {s.kinds.map((k) => (
            <Chip key={k} label={k} variant="outlined" size="small" />
          ))}
          <AvailabilityChip suite={s} />
        </Stack>
        <UnavailableAlert suite={s} />
        <Typography variant="body2" sx={{ mt: 1 }}>
          <Link to={board}>Leaderboard</Link> · <Link to={evaluations}>Evaluations</Link>
        </Typography>
      </CardContent>
    </Card>
  );
};

export const SuiteShow = () => (
  <Show title={<SuiteTitle />} actions={false} component="div" sx={{ minWidth: 0 }}>
    <Stack spacing={2} sx={{ mt: 1, minWidth: 0 }}>
      <Overview />
      <Card variant="outlined">
        <CardContent>
          <Typography variant="h6" gutterBottom>
            Versions
          </Typography>
          <SuiteVersions />
        </CardContent>
      </Card>
    </Stack>
  </Show>
);
