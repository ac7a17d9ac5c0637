/**
 * The one leaderboard export (GET /api/leaderboards/export, which the dashboard's Export menu downloads):
 * one row per board entry (metrics, arena standing, provenance), its columns decided here once. CSV and JSON are the same rows; JSON writes every
 * column of every row, null where a board has no value (e.g. `classes` outside segmentation, `sampler` for
 * a generator).
 */
export interface ExportBoard {
  suite: {
    id: string;
    version: number;
    task: string;
    resolution: number | null;
    primaryMetric: string;
    protocol?: string | null;
    classes?: number | null;
  };
  entries: Array<{
    rank: number;
    model: { id?: string; name: string; owner: string; kind: string };
    modelVersion: number;
    visibility?: string;
    evaluationId: string;
    metrics: Record<string, number>;
    intervals?: Record<string, ReadonlyArray<number | null>>;
    finishedAt: Date | string | null;
    trigger?: string;
    drift: { relativeChange?: number; flagged: boolean } | null;
    /** Provenance protocol choices (sampler, steps, guidance, nfe for denoisers). */
    protocol?: { solver?: unknown; steps?: unknown; guidance?: unknown; nfe?: unknown } | null;
    /** The version's standing in the board's latest arena rating; null where the arena has not rated it. */
    arena?: { rating: number | null; low: number | null; high: number | null; votes: number } | null;
  }>;
}

export type ExportCell = string | number | boolean | null;
export type ExportRow = Record<string, ExportCell>;

export interface ExportTable {
  /** In file order: the suite and entry columns, each metric (with `_lo`/`_hi` where any entry has an interval), then provenance. */
  columns: string[];
  rows: ExportRow[];
}

type Board = ExportBoard;
type Entry = ExportBoard['entries'][number];
type Column = [name: string, value: (b: Board, e: Entry) => ExportCell | undefined];

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);

const LEADING: Column[] = [
  ['suite', (b) => b.suite.id],
  ['suite_version', (b) => b.suite.version],
  ['task', (b) => b.suite.task],
  ['resolution', (b) => b.suite.resolution],
  ['protocol', (b) => b.suite.protocol],
  ['classes', (b) => b.suite.classes],
  ['primary_metric', (b) => b.suite.primaryMetric],
  ['rank', (_, e) => e.rank],
  ['model', (_, e) => e.model.name],
  ['model_id', (_, e) => e.model.id],
  ['model_version', (_, e) => e.modelVersion],
  ['visibility', (_, e) => e.visibility],
  ['owner', (_, e) => e.model.owner],
  ['kind', (_, e) => e.model.kind],
  ['sampler', (_, e) => str(e.protocol?.solver)],
  ['steps', (_, e) => num(e.protocol?.steps)],
  ['guidance', (_, e) => num(e.protocol?.guidance)],
  ['nfe', (_, e) => num(e.protocol?.nfe)],
];

/**
 * The arena standing (README.md, "Arena"): rating with its 95% bootstrap interval, empty below the minimum vote
 * count as on the board, and the votes it rests on; all empty where the arena has not rated the version.
 */
const ARENA: Column[] = [
  ['arena_rating', (_, e) => e.arena?.rating],
  ['arena_rating_lo', (_, e) => e.arena?.low],
  ['arena_rating_hi', (_, e) => e.arena?.high],
  ['arena_votes', (_, e) => e.arena?.votes],
];

const TRAILING: Column[] = [
  ['finished_at', (_, e) => (e.finishedAt ? new Date(e.finishedAt).toISOString() : null)],
  ['trigger', (_, e) => e.trigger],
  ['drift', (_, e) => e.drift?.relativeChange],
  ['drift_flagged', (_, e) => e.drift?.flagged ?? false],
  ['evaluation_id', (_, e) => e.evaluationId],
];

/** Metric columns: every metric any entry has, in order of first appearance, each with its interval bounds if any entry has one. */
function metricColumns(boards: Board[]): Column[] {
  const ids: string[] = [];
  for (const b of boards) for (const e of b.entries) for (const id of Object.keys(e.metrics)) if (!ids.includes(id)) ids.push(id);
  return ids.flatMap((id): Column[] => {
    const value: Column = [id, (_, e) => e.metrics[id]];
    if (!boards.some((b) => b.entries.some((e) => e.intervals?.[id]))) return [value];
    return [value, [`${id}_lo`, (_, e) => e.intervals?.[id]?.[0]], [`${id}_hi`, (_, e) => e.intervals?.[id]?.[1]]];
  });
}

/** The boards as export rows, one per entry, in board then rank order. */
export function exportTable(boards: Board[]): ExportTable {
  const columns = [...LEADING, ...metricColumns(boards), ...ARENA, ...TRAILING];
  const rows = boards.flatMap((b) => b.entries.map((e) => Object.fromEntries(columns.map(([name, value]) => [name, value(b, e) ?? null]))));
  return { columns: columns.map(([name]) => name), rows };
}

/** RFC 4180 CSV of the table: a field is quoted when it holds a comma, quote or line break; null is empty. */
export function toCsv({ columns, rows }: ExportTable): string {
  const cell = (v: ExportCell | undefined) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
