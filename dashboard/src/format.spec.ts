import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDuration, formatHardware, formatRelativeChange, shortSha, taskLabel } from './format';

describe('format', () => {
  const zone = process.env.TZ;
  // Node re-reads TZ when it is assigned, so dates print in a known zone whatever the machine's.
  beforeAll(() => {
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('prints dates sortably in the viewer’s zone, which it names, and passes unparseable text through', () => {
    expect(formatDate('2025-05-01T14:03:59Z')).toBe('2025-05-01 14:03 UTC');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('')).toBe('—');
    expect(formatDate('not a date')).toBe('not a date');
  });

  it('prints the same instant in another zone with that zone’s name', () => {
    process.env.TZ = 'Asia/Tokyo';
    try {
      expect(formatDate('2025-05-01T14:03:00Z')).toMatch(/^2025-05-01 23:03 (GMT\+9|JST)$/);
    } finally {
      process.env.TZ = 'UTC';
    }
  });

  it('prints durations in the largest units that keep them short', () => {
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1.0 s');
    expect(formatDuration(59_940)).toBe('59.9 s');
    expect(formatDuration(61_000)).toBe('1 min 1 s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 5 min');
  });

  it('prints byte counts in binary units', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    // Beyond the largest unit the number grows rather than the unit.
    expect(formatBytes(2 * 1024 ** 4)).toBe('2048.0 GiB');
  });

  it('prints relative changes signed, down to the 1e-6 tolerances suites use', () => {
    expect(formatRelativeChange(0)).toBe('±0%');
    expect(formatRelativeChange(0.012)).toBe('+1.2%');
    expect(formatRelativeChange(-0.25)).toBe('−25.0%');
    expect(formatRelativeChange(0.00012)).toBe('+0.012%');
    expect(formatRelativeChange(-2e-8)).toBe('−2.0e-6%');
  });

  it('names tasks, keeps unknown ones as they are, and shortens digests', () => {
    expect(taskLabel('zero-shot-segmentation')).toBe('Zero-shot segmentation');
    expect(taskLabel('text-to-image')).toBe('Text-to-image');
    expect(taskLabel('text-to-3d')).toBe('text-to-3d');
    expect(shortSha('0123456789abcdef0123')).toBe('0123456789ab');
  });

  it('prints hardware as the runner reported it, never as [object Object]', () => {
    expect(formatHardware(null)).toBe('—');
    expect(formatHardware('8× A100')).toBe('8× A100');
    expect(formatHardware(3)).toBe('3');
    expect(formatHardware({ cpu: 'EPYC', cores: 16, gpu: null, extra: '', flags: ['avx2'], mem: { gb: 64 } })).toBe(
      'cpu: EPYC, cores: 16, flags: ["avx2"], mem: {"gb":64}',
    );
  });
});
