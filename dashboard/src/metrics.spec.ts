import { describe, expect, it } from 'vitest';
import type { MetricInfo } from './api-types';
import { bestIndices, directionArrow, formatMetric, higherIsBetter, metricLabel, orderMetrics } from './metrics';

describe('metrics', () => {
  it('takes a direction from the board for its primary metric, then the registry, then the fallback table', () => {
    const registry = new Map<string, MetricInfo>([
      ['fid', { id: 'fid', version: 1, higherIsBetter: true, description: 'a registry that disagrees' }],
      ['novel_metric', { id: 'novel_metric', version: 1, higherIsBetter: true, description: '' }],
    ]);
    expect(higherIsBetter('fid', { id: 'fid', higherIsBetter: false }, registry)).toBe(false);
    expect(higherIsBetter('fid', undefined, registry)).toBe(true);
    expect(higherIsBetter('novel_metric', undefined, registry)).toBe(true);
    expect(higherIsBetter('fid')).toBe(false);
    expect(higherIsBetter('miou')).toBe(true);
    expect(higherIsBetter('unknown_metric')).toBeUndefined();
  });

  it('labels and arrows', () => {
    expect(metricLabel('inception_score')).toBe('IS');
    expect(metricLabel('novel_metric')).toBe('novel_metric');
    expect(directionArrow(true)).toBe('↑');
    expect(directionArrow(false)).toBe('↓');
    expect(directionArrow(undefined)).toBe('');
  });

  it('prints four significant digits without exponents in the usual ranges', () => {
    expect(formatMetric(undefined)).toBe('—');
    expect(formatMetric(Number.NaN)).toBe('—');
    expect(formatMetric(0)).toBe('0');
    expect(formatMetric(12.34567)).toBe('12.35');
    expect(formatMetric(1.5)).toBe('1.500');
    expect(formatMetric(123.456)).toBe('123.5');
    expect(formatMetric(4321.09)).toBe('4321.1');
    expect(formatMetric(0.0123456)).toBe('0.01235');
    expect(formatMetric(-0.5)).toBe('-0.5000');
    expect(formatMetric(3.2e-5)).toBe('3.200e-5');
  });

  it('orders metrics: the primary first, then registry order, then the rest by name, each once', () => {
    expect(orderMetrics(['zeta', 'recall', 'fid', 'alpha', 'precision', 'fid'], 'precision')).toEqual([
      'precision',
      'fid',
      'recall',
      'alpha',
      'zeta',
    ]);
    expect(orderMetrics(['kid', 'fid'])).toEqual(['fid', 'kid']);
  });

  it('marks the best values, ties included, only when a direction is known and two values exist', () => {
    expect([...bestIndices([3, 1, 1, undefined], false)]).toEqual([1, 2]);
    expect([...bestIndices([3, 1, Number.NaN], true)]).toEqual([0]);
    expect(bestIndices([3, 1], undefined).size).toBe(0);
    expect(bestIndices([3, undefined], false).size).toBe(0);
  });
});
