import { Box, Card, CardContent, CardHeader, Chip, CircularProgress, LinearProgress, Stack, Tooltip, Typography } from '@mui/material';
import { lazy, Suspense } from 'react';
import { ArrayField, Link, RecordContextProvider, ResourceContextProvider, Show, useRecordContext } from 'react-admin';
import type { ModelDetail, ModelVersion } from '../api-types';
import { type EvaluationColumn, EvaluationTable } from '../common/EvaluationTable';
import { JsonBlock } from '../common/JsonBlock';
import { pollModel } from '../common/polling';
import { formatBytes, formatDate, shortSha } from '../format';
import { keepErrorOnPage, NotFoundOrPrivate } from '../common/NotFoundOrPrivate';

// recharts is the largest dependency; it loads with the first chart.
const MetricHistory = lazy(() => import('./MetricHistory'));

const ModelTitle = () => {
  const m = useRecordContext<ModelDetail>();
  return <>{m ? `${m.name} (${m.owner})` : 'Model'}</>;
};

// Until GET /api/models/:id answers, react-admin may show the list's summary (no `versions`) as a placeholder.
const Header = () => {
  const m = useRecordContext<ModelDetail>();
  if (!m) return null;
  const versions = m.versions?.length;
  const evaluations = `/evaluations?filter=${encodeURIComponent(JSON.stringify({ modelId: m.id }))}`;
  return (
    <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, mt: 1, alignItems: 'baseline', flexWrap: 'wrap' }}>
      <Typography variant="h5" component="h1" data-testid="model-name">
        {m.name}
      </Typography>
      <Chip size="small" label={m.kind} variant="outlined" />
      {m.visibility === 'private' && (
        <Tooltip title="Every version is private: only its submitter and admins see this model and its scores">
          <Chip size="small" label="private" color="secondary" variant="outlined" data-testid="model-private" />
        </Tooltip>
      )}
      <Typography variant="body2" color="text.secondary">
        submitted by <strong>{m.owner}</strong> · first seen {formatDate(m.createdAt)} ·{' '}
        {versions != null && `${versions} ${versions === 1 ? 'version' : 'versions'} · `}
        <Link to={evaluations}>all evaluations</Link>
      </Typography>
    </Stack>
  );
};

const COLUMNS: EvaluationColumn[] = ['suite', 'status', 'trigger', 'progress', 'score', 'provenance', 'finished'];

const VersionCard = ({ version }: { version: ModelVersion }) => (
  <RecordContextProvider value={version}>
    <Card variant="outlined" data-testid={`model-version-${version.version}`}>
      <CardHeader
        title={
          <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 1 }}>
            Version {version.version}
            {version.visibility === 'private' && (
              <Tooltip title="Submitted as private: only its submitter and admins see this version and its scores">
                <Chip size="small" label="private" color="secondary" variant="outlined" data-testid="version-private" />
              </Tooltip>
            )}
          </Box>
        }
        subheader={
          <Box component="span">
            {formatDate(version.createdAt)} · {formatBytes(version.artifactSize)} ·{' '}
            <Tooltip title={`sha256 ${version.artifactSha256}`}>
              <Box component="span" sx={{ fontFamily: 'monospace' }}>
                sha256 {shortSha(version.artifactSha256)}…
              </Box>
            </Tooltip>
          </Box>
        }
        sx={{ pb: 0 }}
      />
      <CardContent>
        {version.evaluations.length === 0 ? (
          <Typography color="text.secondary">No suite evaluates this version.</Typography>
        ) : (
          <ResourceContextProvider value="evaluations">
            <ArrayField source="evaluations">
              <EvaluationTable
                columns={version.evaluations.some((e) => e.sampleGrid) ? [...COLUMNS, 'samples'] : COLUMNS}
                storeKey="models.evaluations.datatable"
                sx={{ '& td': { verticalAlign: 'top' } }}
              />
            </ArrayField>
          </ResourceContextProvider>
        )}
        <JsonBlock title="Manifest" value={version.manifest} />
      </CardContent>
    </Card>
  </RecordContextProvider>
);

const Versions = () => {
  const m = useRecordContext<ModelDetail>();
  if (!m) return null;
  if (!m.versions) return <LinearProgress />;
  return (
    <Stack spacing={2}>
      <Suspense fallback={<CircularProgress sx={{ m: 2 }} />}>
        <MetricHistory model={m} />
      </Suspense>
      {m.versions.map((v) => (
        <VersionCard key={v.id} version={v} />
      ))}
    </Stack>
  );
};

/**
 * Polls while any evaluation is queued or running, so progress and scores appear without reloading. An
 * unknown or private model is said so on the page.
 */
export const ModelShow = () => (
  <Show
    title={<ModelTitle />}
    actions={false}
    component="div"
    queryOptions={{ refetchInterval: pollModel, ...keepErrorOnPage }}
    error={<NotFoundOrPrivate what="model" list={{ to: '/models', label: 'All models' }} />}
  >
    <Header />
    <Versions />
  </Show>
);
