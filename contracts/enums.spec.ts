import { describe, expect, it } from 'vitest';
import * as db from '../api/src/generated/prisma/enums.js';
import {
  EVALUATION_STATUSES,
  EVALUATION_TRIGGERS,
  FAILURE_KINDS,
  MODEL_KINDS,
  SCHEDULE_SCOPES,
  TOKEN_ROLES,
  VISIBILITIES,
} from './enums.js';

// The database's enums (prisma/schema.prisma, generated into api/src/generated) hold the same values as the
// contracts' lists the API validates with and the dashboard offers: a value added on one side only would be
// accepted by the API and refused by PostgreSQL, or stored and never offered.
describe('contracts enums and the database enums', () => {
  it.each([
    ['ModelKind', MODEL_KINDS, db.ModelKind],
    ['EvaluationStatus', EVALUATION_STATUSES, db.EvaluationStatus],
    ['EvaluationTrigger', EVALUATION_TRIGGERS, db.EvaluationTrigger],
    ['FailureKind', FAILURE_KINDS, db.FailureKind],
    ['Visibility', VISIBILITIES, db.Visibility],
    ['TokenRole', TOKEN_ROLES, db.TokenRole],
    ['ScheduleScope', SCHEDULE_SCOPES, db.ScheduleScope],
  ] as const)('%s has the same values', (_name, list, prismaEnum) => {
    expect([...list].sort()).toEqual(Object.values(prismaEnum).sort());
  });
});
