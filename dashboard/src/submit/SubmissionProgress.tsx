import { Alert, Box, Card, CardContent, Stack, Typography } from '@mui/material';
import { useEffect, useRef } from 'react';
import { Link, RecordContextProvider, useGetMany } from 'react-admin';
import { type Evaluation, isActive, type SubmitResult } from '../api-types';
import { FailureField, ProgressField, ScoreField, StatusField } from '../common/evaluation-fields';
import { pollEvaluations } from '../common/polling';

const boardUrl = (suiteId: string) => `/leaderboards?filter=${encodeURIComponent(JSON.stringify({ suite: suiteId }))}`;

/** Follows the evaluations an upload queued, polling until none is queued or running. */
export const SubmissionProgress = ({ result }: { result: SubmitResult }) => {
  const ids = result.evaluations.map((e) => e.id);
  const { data, error } = useGetMany<Evaluation>('evaluations', { ids }, { enabled: ids.length > 0, refetchInterval: pollEvaluations });
  const done = data && data.length > 0 && !data.some((e) => isActive(e.status));
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Braces matter: recent browsers return a promise from scrollIntoView, and React would call it as a cleanup.
    ref.current?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }, [result.version.id]);
  return (
    <Card variant="outlined" sx={{ mt: 2 }} data-testid="submission-result" ref={ref}>
      <CardContent>
        <Typography variant="h6" gutterBottom>
          Submitted{' '}
          <Link to={`/models/${result.model.id}/show`} data-testid="submitted-model-link">
            {result.model.name}
          </Link>{' '}
          v{result.version.version}
        </Typography>
        {result.warnings.map((w) => (
          <Alert key={w} severity="warning" sx={{ mb: 1 }}>
            {w}
          </Alert>
        ))}
        {error && <Alert severity="error">Could not follow the evaluations: {error.message}</Alert>}
        <Stack spacing={1.5}>
          {(data ?? []).map((e) => (
            <RecordContextProvider key={e.id} value={e}>
              <Box
                data-testid="submitted-evaluation"
                data-status={e.status}
                sx={{
                  display: 'grid',
                  gridTemplateColumns: { md: '1.2fr auto 180px 1fr auto' },
                  gap: 2,
                  alignItems: 'center',
                  p: 1.5,
                  border: 1,
                  borderColor: 'divider',
                  borderRadius: 1,
                }}
              >
                <Typography variant="body2">
                  <strong>{e.suite.id}</strong> v{e.suite.version}
                </Typography>
                <StatusField />
                <ProgressField width={180} />
                <ScoreField />
                <Typography variant="body2">
                  <Link to={`/evaluations/${e.id}/show`}>details</Link>
                  {e.status === 'succeeded' && (
                    <>
                      {' · '}
                      <Link to={boardUrl(e.suite.id)}>leaderboard</Link>
                    </>
                  )}
                </Typography>
                {e.failureReason && (
                  <Box sx={{ gridColumn: '1 / -1' }}>
                    <FailureField />
                  </Box>
                )}
              </Box>
            </RecordContextProvider>
          ))}
        </Stack>
        {done && (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }} data-testid="submission-done">
            All evaluations finished.
          </Typography>
        )}
      </CardContent>
    </Card>
  );
};
