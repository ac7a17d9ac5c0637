import { Alert } from '@mui/material';
import { useFormState } from 'react-hook-form';

/**
 * The part of an API rejection that names no input of the form (react-hook-form's `root.serverError`, set
 * from `body.errors` by react-admin: see common/form-errors.ts), kept in view until the next submission.
 */
export const FormRootError = ({ testId }: { testId?: string }) => {
  const { errors } = useFormState();
  const message = errors.root?.serverError?.message;
  if (!message) return null;
  return (
    <Alert severity="error" sx={{ mt: 1 }} data-testid={testId}>
      {message}
    </Alert>
  );
};
