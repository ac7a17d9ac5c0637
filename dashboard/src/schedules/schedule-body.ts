import type { Schedule } from '../api-types';

/** The form's values (POST /api/schedules). */
export interface ScheduleFormValues {
  name: string;
  cron: string;
  timezone: string;
  scope: Schedule['scope'];
  suiteId?: string;
  modelId?: string;
  enabled: boolean;
}

export const SCHEDULE_DEFAULTS: ScheduleFormValues = { name: '', cron: '0 3 * * *', timezone: 'UTC', scope: 'all', enabled: true };

/** The body the API accepts (strict): a target only with the scope that needs it, no empty strings. */
export function toScheduleBody(v: Partial<ScheduleFormValues>): ScheduleFormValues {
  return {
    name: v.name?.trim() ?? '',
    cron: v.cron?.trim() ?? '',
    timezone: v.timezone?.trim() || 'UTC',
    scope: v.scope ?? 'all',
    ...(v.scope === 'suite' && v.suiteId ? { suiteId: v.suiteId } : {}),
    ...(v.scope === 'model' && v.modelId ? { modelId: v.modelId } : {}),
    enabled: v.enabled ?? true,
  };
}
