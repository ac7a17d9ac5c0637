import CloudOffIcon from '@mui/icons-material/CloudOff';
import BlockIcon from '@mui/icons-material/DoNotDisturbAlt';
import QueueIcon from '@mui/icons-material/PlaylistAddCheck';
import { Alert, Box, Chip, Stack, Tooltip, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Link, useDataProvider } from 'react-admin';
import type { SuitePreview as Preview } from '../api-types';
import type { GenbenchDataProvider } from '../data-provider';
import { ReasonText, splitReason } from '../suites/Availability';

/** Typing pauses this long before the manifest is sent for a preview. */
const DEBOUNCE_MS = 400;

type State = { kind: 'idle' } | { kind: 'ok'; preview: Preview } | { kind: 'invalid'; message: string };

const OUTCOME = {
  queued: { label: 'scored', color: 'success', icon: <QueueIcon /> },
  unavailable: { label: 'skipped: not available on this server', color: 'warning', icon: <CloudOffIcon /> },
  'not-applicable': { label: 'skipped: its sampler cannot drive this model', color: 'default', icon: <BlockIcon /> },
} as const;

/**
 * Where a submission of the manifest being typed would go (POST /api/suites/preview, which runs the
 * submission's own matching): the suites it would be scored on, and those it would skip and why.
 */
export const SuitePreviewPanel = ({ manifest }: { manifest: string | undefined }) => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const [state, setState] = useState<State>({ kind: 'idle' });

  useEffect(() => {
    const text = manifest?.trim();
    if (!text) {
      setState({ kind: 'idle' });
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      dataProvider.previewSuites(text).then(
        (preview) => !cancelled && setState({ kind: 'ok', preview }),
        (err: unknown) => !cancelled && setState({ kind: 'invalid', message: (err as Error).message }),
      );
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [manifest, dataProvider]);

  if (state.kind === 'idle') return null;
  if (state.kind === 'invalid') {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="suite-preview" data-state="invalid">
        Where it would be scored shows here once the manifest is valid ({state.message}).
      </Typography>
    );
  }
  const { suites } = state.preview;
  const queued = suites.filter((s) => s.outcome === 'queued');
  return (
    <Box data-testid="suite-preview" data-state="ok">
      {queued.length === 0 && (
        <Alert severity="warning" sx={{ mb: 1 }} data-testid="suite-preview-none">
          {suites.length === 0
            ? 'No suite scores this kind of model at this resolution: a submission would be stored but not scored.'
            : 'Every suite that matches would skip it (below): a submission would be stored but not scored.'}
        </Alert>
      )}
      <Typography variant="subtitle2" gutterBottom>
        Where this submission would go
      </Typography>
      <Stack spacing={0.75}>
        {suites.map((s) => {
          const o = OUTCOME[s.outcome];
          const { summary } = splitReason(s.reason);
          return (
            <Box
              key={s.id}
              sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}
              data-testid="suite-preview-row"
              data-suite={s.id}
              data-outcome={s.outcome}
            >
              <Chip
                size="small"
                variant="outlined"
                component={Link}
                to={`/suites/${encodeURIComponent(s.id)}/show`}
                clickable
                label={`${s.id} v${s.version}`}
              />
              <Tooltip title={s.reason ? <ReasonText reason={s.reason} /> : ''}>
                <Chip size="small" color={o.color} icon={o.icon} label={o.label} />
              </Tooltip>
              {s.outcome !== 'queued' && summary && (
                <Typography variant="caption" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
                  {s.outcome === 'unavailable' ? 'its data is not downloaded here' : summary}
                </Typography>
              )}
            </Box>
          );
        })}
      </Stack>
    </Box>
  );
};
