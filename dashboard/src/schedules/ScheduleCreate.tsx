import AddIcon from '@mui/icons-material/Add';
import { Box, Stack, Typography } from '@mui/material';
import { useEffect } from 'react';
import {
  BooleanInput,
  CreateBase,
  Form,
  FormDataConsumer,
  ReferenceInput,
  required,
  SaveButton,
  SelectInput,
  TextInput,
  useGetList,
  useNotify,
} from 'react-admin';
import { useFormContext } from 'react-hook-form';
import { SCHEDULE_SCOPES, type Schedule, type Suite } from '../api-types';
import { SCHEDULE_DEFAULTS, type ScheduleFormValues, toScheduleBody } from './schedule-body';
import { FormRootError } from '../common/FormRootError';

const SCOPE_CHOICES = [
  { id: 'all', name: 'every active entry' },
  { id: 'suite', name: 'one suite' },
  { id: 'model', name: 'one model' },
] satisfies Array<{ id: (typeof SCHEDULE_SCOPES)[number]; name: string }>;

/** After a successful save the form starts again from its defaults, for the next schedule. */
const ResetAfterSave = () => {
  const { reset, formState } = useFormContext<ScheduleFormValues>();
  // react-hook-form counts a save whose rejection set errors (under an input or the root) as unsuccessful.
  useEffect(() => {
    if (formState.isSubmitSuccessful) reset(SCHEDULE_DEFAULTS);
  }, [formState.isSubmitSuccessful, reset]);
  return null;
};

/** A new schedule (create `schedules`): an API rejection shows under the input it concerns. */
export const ScheduleCreate = () => {
  const notify = useNotify();
  const { data: suites = [] } = useGetList<Suite>('suites', {
    pagination: { page: 1, perPage: 1000 },
    sort: { field: 'id', order: 'ASC' },
  });
  return (
    <Box data-testid="schedule-form" sx={{ mt: 2 }}>
      <Typography variant="subtitle2" gutterBottom>
        New schedule
      </Typography>
      <CreateBase<ScheduleFormValues, Schedule>
        resource="schedules"
        redirect={false}
        transform={toScheduleBody}
        mutationOptions={{ onSuccess: (created) => notify(`Schedule ${created.name} created`, { type: 'success' }) }}
      >
        <Form<ScheduleFormValues> defaultValues={SCHEDULE_DEFAULTS} noValidate>
          <Box sx={{ display: 'grid', gridTemplateColumns: { md: '1.2fr 1fr 1fr' }, columnGap: 2 }}>
            <TextInput source="name" validate={required()} slotProps={{ htmlInput: { 'data-testid': 'schedule-name' } }} />
            <TextInput
              source="cron"
              label="Cron"
              helperText="minute hour day month weekday (a 6th, leading field: seconds)"
              slotProps={{ htmlInput: { 'data-testid': 'schedule-cron', spellCheck: false, style: { fontFamily: 'monospace' } } }}
            />
            <TextInput
              source="timezone"
              label="Time zone"
              helperText="IANA name, e.g. Europe/Paris"
              slotProps={{ htmlInput: { 'data-testid': 'schedule-timezone' } }}
            />
          </Box>
          <Box sx={{ display: 'grid', gridTemplateColumns: { md: '1fr 2fr' }, columnGap: 2, alignItems: 'start' }}>
            <SelectInput source="scope" label="Re-evaluate" choices={SCOPE_CHOICES} validate={required()} data-testid="schedule-scope" />
            <FormDataConsumer<ScheduleFormValues>>
              {({ formData }) =>
                formData.scope === 'suite' ? (
                  <SelectInput source="suiteId" label="Suite" choices={suites.map((s) => ({ id: s.id, name: s.id }))} />
                ) : formData.scope === 'model' ? (
                  <ReferenceInput source="modelId" reference="models" perPage={500} sort={{ field: 'createdAt', order: 'DESC' }}>
                    <SelectInput label="Model" optionText={(m: { name: string; owner: string }) => `${m.name} (${m.owner})`} />
                  </ReferenceInput>
                ) : (
                  <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
                    The latest version of every model with a successful evaluation, on each suite version it succeeded on.
                  </Typography>
                )
              }
            </FormDataConsumer>
          </Box>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            <BooleanInput source="enabled" label="Enabled" helperText={false} />
            <SaveButton label="Create schedule" icon={<AddIcon />} alwaysEnable data-testid="schedule-create" />
          </Stack>
          <FormRootError testId="schedule-error" />
          <ResetAfterSave />
        </Form>
      </CreateBase>
    </Box>
  );
};
