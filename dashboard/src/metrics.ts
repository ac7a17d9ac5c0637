import { useMemo } from 'react';
import { useGetList } from 'react-admin';
import type { MetricInfo } from './api-types';

/**
 * Direction and display of metrics. Directions come from the API's registry (GET /api/metrics); this table
 * mirrors contracts/metrics/registry.ts as the fallback while it loads or if it cannot be fetched, and
 * gives the display order. A board's own `higherIsBetter` wins for its primary metric.
 */
const HIGHER_IS_BETTER: Record<string, boolean> = {
  fid: false,
  sfid: false,
  kid: false,
  kid_std: false,
  inception_score: true,
  precision: true,
  recall: true,
  miou: true,
  pixel_accuracy: true,
  clip_score: true,
  cmmd: false,
  fd_dinov2: false,
};

const LABELS: Record<string, string> = {
  fid: 'FID',
  sfid: 'sFID',
  kid: 'KID',
  kid_std: 'KID std',
  inception_score: 'IS',
  precision: 'Precision',
  recall: 'Recall',
  miou: 'mIoU',
  pixel_accuracy: 'Pixel acc.',
  clip_score: 'CLIP score',
  cmmd: 'CMMD',
  fd_dinov2: 'FD-DINOv2',
};

export type Primary = { id: string; higherIsBetter: boolean };

/** `undefined` when the direction of a metric is not known (then no value is marked as better). */
export function higherIsBetter(metric: string, primary?: Primary, registry?: ReadonlyMap<string, MetricInfo>): boolean | undefined {
  if (primary && primary.id === metric) return primary.higherIsBetter;
  return registry?.get(metric)?.higherIsBetter ?? HIGHER_IS_BETTER[metric];
}

/** Plain functions (no `this`), so components can destructure them. */
export interface MetricRegistry {
  higherIsBetter: (metric: string, primary?: Primary) => boolean | undefined;
  /** The registry's one-line definition of the metric, when known. */
  describe: (metric: string) => string | undefined;
}

/** The API's metric registry, fetched once per session (react-query shares it across components). */
export function useMetricRegistry(): MetricRegistry {
  const { data } = useGetList<MetricInfo>(
    'metrics',
    { pagination: { page: 1, perPage: 1000 } },
    { staleTime: Infinity, gcTime: Infinity, retry: 1 },
  );
  return useMemo(() => {
    const registry = new Map((data ?? []).map((m) => [m.id, m]));
    return {
      higherIsBetter: (metric, primary) => higherIsBetter(metric, primary, registry),
      describe: (metric) => registry.get(metric)?.description,
    };
  }, [data]);
}

export const metricLabel = (metric: string): string => LABELS[metric] ?? metric;

export const directionArrow = (hib: boolean | undefined): string => (hib === undefined ? '' : hib ? '↑' : '↓');

/** Four significant digits, never exponent notation for the ranges these metrics live in. */
export function formatMetric(value: number | null | undefined): string {
  if (value == null || Number.isNaN(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(Math.max(0, 3 - Math.floor(Math.log10(abs))));
  if (abs === 0) return '0';
  if (abs < 1e-4) return value.toExponential(3);
  return value.toPrecision(4);
}

/** Metric ids in display order: the primary first, then known metrics in registry order, then the rest. */
export function orderMetrics(ids: Iterable<string>, primary?: string): string[] {
  const known = Object.keys(HIGHER_IS_BETTER);
  const rank = (m: string) => (m === primary ? -1 : known.includes(m) ? known.indexOf(m) : known.length);
  return [...new Set(ids)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Indices of the best value among `values` (ties all count); empty when the direction is unknown or fewer than two values exist. */
export function bestIndices(values: Array<number | undefined>, hib: boolean | undefined): Set<number> {
  const present = values.filter((v): v is number => v != null && !Number.isNaN(v));
  if (hib === undefined || present.length < 2) return new Set();
  const best = hib ? Math.max(...present) : Math.min(...present);
  return new Set(values.flatMap((v, i) => (v === best ? [i] : [])));
}
