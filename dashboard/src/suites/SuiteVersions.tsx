import { Box, Stack, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';
import type { Suite } from '../api-types';
import { JsonBlock } from '../common/JsonBlock';
import { formatDate } from '../format';

/** Every version of a suite with its full definition; scores stay attached to the version that made them. */
export const SuiteVersions = () => {
  const s = useRecordContext<Suite>();
  if (!s) return null;
  return (
    <Stack spacing={1} data-testid={`suite-versions-${s.id}`}>
      {s.versions.map((v) => (
        <Box key={v.version} data-testid="suite-version">
          <Typography variant="subtitle2">
            v{v.version}
            {v.version === s.latestVersion && ' (current)'}
            <Typography component="span" variant="body2" color="text.secondary">
              {' '}
              · registered {formatDate(v.createdAt)}
            </Typography>
          </Typography>
          <JsonBlock title="Definition" value={v.definition} />
        </Box>
      ))}
    </Stack>
  );
};
