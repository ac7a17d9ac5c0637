import CheckIcon from '@mui/icons-material/CheckCircleOutlineOutlined';
import CloudOffIcon from '@mui/icons-material/CloudOff';
import { Alert, AlertTitle, Box, Chip, Tooltip } from '@mui/material';
import type { Suite } from '../api-types';

/**
 * The API's reason is a first line ("suite … cannot run here; …") and then one indented line per missing
 * file saying what to download and where it goes; the first line is the summary, the rest the instructions.
 */
export function splitReason(reason: string | null): { summary: string; steps: string[] } {
  const [first = '', ...rest] = (reason ?? '').split('\n');
  return { summary: first.replace(/[;:]\s*$/, ''), steps: rest.map((l) => l.trim()).filter(Boolean) };
}

/** The reason as a tooltip reads it: summary, then each step on its own line. */
export const ReasonText = ({ reason }: { reason: string | null }) => {
  const { summary, steps } = splitReason(reason);
  return (
    <Box component="span" sx={{ display: 'block', whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}>
      {summary}
      {steps.map((s) => `\n• ${s}`).join('')}
    </Box>
  );
};

/** "available" or "unavailable here", with the reason and what to download on hover. */
export const AvailabilityChip = ({ suite }: { suite: Pick<Suite, 'available' | 'unavailableReason'> }) =>
  suite.available ? (
    <Chip
      size="small"
      variant="outlined"
      color="success"
      icon={<CheckIcon />}
      label="available"
      data-testid="suite-availability"
      data-available="true"
    />
  ) : (
    <Tooltip title={<ReasonText reason={suite.unavailableReason} />}>
      <Chip
        size="small"
        variant="outlined"
        color="warning"
        icon={<CloudOffIcon />}
        label="data not downloaded"
        data-testid="suite-availability"
        data-available="false"
      />
    </Tooltip>
  );

/** On a suite's page: why nothing can be scored here yet, and each file to download. */
export const UnavailableAlert = ({ suite }: { suite: Pick<Suite, 'available' | 'unavailableReason'> }) => {
  if (suite.available) return null;
  const { summary, steps } = splitReason(suite.unavailableReason);
  return (
    <Alert severity="warning" icon={<CloudOffIcon />} data-testid="suite-unavailable" sx={{ overflowWrap: 'anywhere' }}>
      <AlertTitle>Not available on this server: submissions skip it</AlertTitle>
      {summary}
      {steps.length > 0 && (
        <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 2.5 }}>
          {steps.map((s) => (
            <li key={s} data-testid="suite-unavailable-step">
              {s}
            </li>
          ))}
        </Box>
      )}
    </Alert>
  );
};
