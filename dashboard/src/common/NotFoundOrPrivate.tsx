import { Alert, AlertTitle, Box } from '@mui/material';
import { type HttpError, Link, type RaRecord, useShowContext } from 'react-admin';
import { readToken } from '../auth/token-store';

/**
 * A show page's 404, said where it happened instead of a toast and a jump to the list: the API answers an
 * unknown id and a private one the reader may not see alike (README, "Security"), so the page says both.
 */
export const NotFoundOrPrivate = ({ what, list }: { what: string; list: { to: string; label: string } }) => {
  const { error } = useShowContext<RaRecord, HttpError>();
  // react-admin types HttpError.status as any.
  const status: unknown = error?.status;
  if (status !== 404) {
    return (
      <Alert severity="error" data-testid="show-error">
        Could not load this {what}: {error?.message ?? 'unknown error'}
      </Alert>
    );
  }
  return (
    <Box sx={{ maxWidth: 800 }}>
      <Alert severity="info" data-testid="not-found-or-private">
        <AlertTitle>This {what} was not found, or it is private</AlertTitle>
        Private {what}s are seen only by their submitter and admins.{' '}
        {readToken()
          ? "This browser's token is neither, or the link is wrong."
          : 'If it is yours, set your token on the Submit page (or the Admin page) and reload.'}{' '}
        <Link to={list.to}>{list.label}</Link>
      </Alert>
    </Box>
  );
};

/** Show's query options that leave a failed load to the page (above) rather than a toast and a redirect. */
export const keepErrorOnPage = { onError: () => undefined } as const;
