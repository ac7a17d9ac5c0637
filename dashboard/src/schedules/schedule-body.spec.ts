import { describe, expect, it } from 'vitest';
import { toScheduleBody } from './schedule-body';

describe('toScheduleBody', () => {
  it('trims, defaults the zone to UTC, and sends a target only with the scope that uses it', () => {
    expect(
      toScheduleBody({ name: ' nightly ', cron: ' 0 3 * * * ', timezone: ' ', scope: 'all', suiteId: 'smoke-32', enabled: false }),
    ).toEqual({
      name: 'nightly',
      cron: '0 3 * * *',
      timezone: 'UTC',
      scope: 'all',
      enabled: false,
    });
    expect(toScheduleBody({ name: 'a', cron: '* * * * *', scope: 'suite', suiteId: 'smoke-32', modelId: 'm1' })).toEqual({
      name: 'a',
      cron: '* * * * *',
      timezone: 'UTC',
      scope: 'suite',
      suiteId: 'smoke-32',
      enabled: true,
    });
    expect(toScheduleBody({ scope: 'model', modelId: 'm1', suiteId: '' })).toMatchObject({ scope: 'model', modelId: 'm1' });
    expect(toScheduleBody({ scope: 'model' })).not.toHaveProperty('modelId');
  });
});
