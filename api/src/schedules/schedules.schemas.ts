import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { SCHEDULE_SCOPES } from '../../../contracts/enums.js';
import { apiSchema } from '../common/openapi.js';

function validCron(expr: string, tz: string): boolean {
  try {
    CronExpressionParser.parse(expr, { tz });
    return true;
  } catch {
    return false;
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const ScheduleFields = {
  name: z.string().min(1).max(200),
  /** 5 fields (minute precision) or 6 (with seconds first), as BullMQ's cron parser reads them. */
  cron: z.string().min(1).max(200),
  timezone: z.string().default('UTC').refine(validTimeZone, 'unknown IANA time zone'),
  scope: z.enum(SCHEDULE_SCOPES),
  suiteId: z.string().min(1).optional(),
  modelId: z.uuid().optional(),
  enabled: z.boolean().default(true),
};

export const CreateScheduleBody = z.strictObject(ScheduleFields).superRefine((s, ctx) => {
  if (!validCron(s.cron, s.timezone))
    ctx.addIssue({ code: 'custom', path: ['cron'], message: `"${s.cron}" is not a valid cron expression` });
  if (s.scope === 'suite' && !s.suiteId) ctx.addIssue({ code: 'custom', path: ['suiteId'], message: 'scope "suite" needs suiteId' });
  if (s.scope === 'model' && !s.modelId) ctx.addIssue({ code: 'custom', path: ['modelId'], message: 'scope "model" needs modelId' });
  if (s.scope !== 'suite' && s.suiteId)
    ctx.addIssue({ code: 'custom', path: ['suiteId'], message: `suiteId only goes with scope "suite"` });
  if (s.scope !== 'model' && s.modelId)
    ctx.addIssue({ code: 'custom', path: ['modelId'], message: `modelId only goes with scope "model"` });
});
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

export const UpdateScheduleBody = z.strictObject({ enabled: z.boolean().optional(), name: z.string().min(1).max(200).optional() });
export type UpdateScheduleBody = z.infer<typeof UpdateScheduleBody>;

export const ScheduleId = z.uuid({ message: 'schedule ids are UUIDs' });

/** Payload of a firing job; the slot is the scheduled time (BullMQ's prevMillis), not the time it ran. */
export const SCHEDULE_QUEUE = 'schedule-firings';
export const FiringJob = z.object({ scheduleId: z.uuid() });

export const ScheduleView = apiSchema(
  'Schedule',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    cron: z.string(),
    timezone: z.string(),
    scope: z.enum(SCHEDULE_SCOPES),
    suiteId: z.string().nullable(),
    modelId: z.uuid().nullable(),
    enabled: z.boolean(),
    createdAt: z.date(),
  }),
);
/** GET /api/schedules: each schedule with its five latest firings (slot = the scheduled time). */
export const ScheduleList = z.array(
  ScheduleView.extend({
    firings: z.array(z.looseObject({ id: z.uuid(), slot: z.date(), evaluations: z.number().int(), createdAt: z.date() })),
  }),
);
export const ScheduleDeleted = z.looseObject({ deleted: z.uuid() });
