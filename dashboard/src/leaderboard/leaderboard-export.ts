import type { Board } from '../api-types';
import type { FilterValues } from '../data-provider';
import { downloadFile, toCsv } from '../download';
import { orderMetrics } from '../metrics';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * One row per (suite, entry), in the order shown; metric columns (with their interval bounds) are the union
 * over the boards. Protocol, K, sampler and drift columns are empty where a board has none.
 */
export function boardsToCsv(boards: Board[]): string {
  const metrics = orderMetrics(boards.flatMap((b) => b.entries.flatMap((e) => Object.keys(e.metrics))));
  const withInterval = metrics.filter((m) => boards.some((b) => b.entries.some((e) => e.intervals?.[m])));
  const header = [
    'suite',
    'suite_version',
    'task',
    'resolution',
    'protocol',
    'classes',
    'primary_metric',
    'rank',
    'model',
    'model_id',
    'model_version',
    'submitter',
    'sampler',
    'steps',
    'guidance',
    'nfe',
    ...metrics.flatMap((m) => (withInterval.includes(m) ? [m, `${m}_lo`, `${m}_hi`] : [m])),
    'finished_at',
    'trigger',
    'drift',
    'drift_flagged',
    'evaluation_id',
  ];
  const rows = boards.flatMap((b) =>
    b.entries.map((e) => [
      b.suite.id,
      b.suite.version,
      b.suite.task,
      b.suite.resolution,
      b.suite.protocol,
      b.suite.classes,
      b.suite.primaryMetric,
      e.rank,
      e.model.name,
      e.model.id,
      e.modelVersion,
      e.model.owner,
      str(e.protocol?.solver),
      num(e.protocol?.steps),
      num(e.protocol?.guidance),
      num(e.protocol?.nfe),
      ...metrics.flatMap((m) => (withInterval.includes(m) ? [e.metrics[m], e.intervals?.[m]?.[0], e.intervals?.[m]?.[1]] : [e.metrics[m]])),
      e.finishedAt,
      e.trigger,
      e.drift?.relativeChange,
      e.drift ? String(e.drift.flagged) : undefined,
      e.evaluationId,
    ]),
  );
  return toCsv(header, rows);
}

/** The API's own shape (without the ids the data provider adds), so scripts can read either. */
export function boardsToJson(boards: Board[], filter: FilterValues): string {
  return JSON.stringify(
    {
      exportedAt: new Date().toISOString(),
      filter,
      boards: boards.map(({ suite, entries }) => ({ suite, entries: entries.map(({ id: _id, ...e }) => e) })),
    },
    null,
    2,
  );
}

export function exportBoards(boards: Board[], filter: FilterValues, format: 'csv' | 'json'): void {
  const stamp = new Date().toISOString().slice(0, 10);
  const scope = [filter.task, filter.resolution && `${filter.resolution}px`, filter.suite].filter(Boolean).join('-') || 'all';
  const name = `genbench-leaderboard-${scope}-${stamp}.${format}`;
  if (format === 'csv') downloadFile(boardsToCsv(boards), name, 'text/csv;charset=utf-8');
  else downloadFile(boardsToJson(boards, filter), name, 'application/json');
}
