/** Flattens leaderboard boards into rows for CSV/JSON export: one row per entry, one column per metric. */
export interface ExportBoard {
  suite: { id: string; version: number; task: string; resolution: number | null; primaryMetric: string; protocol?: string | null };
  entries: Array<{
    rank: number;
    model: { name: string; owner: string; kind: string };
    modelVersion: number;
    evaluationId: string;
    metrics: Record<string, number>;
    finishedAt: Date | string | null;
    drift: { flagged: boolean } | null;
  }>;
}

export function exportRows(boards: ExportBoard[]): Array<Record<string, string | number | boolean | null>> {
  const rows = [];
  for (const b of boards) {
    for (const e of b.entries) {
      rows.push({
        suite: b.suite.id,
        suite_version: b.suite.version,
        task: b.suite.task,
        resolution: b.suite.resolution,
        protocol: b.suite.protocol ?? null,
        rank: e.rank,
        model: e.model.name,
        owner: e.model.owner,
        kind: e.model.kind,
        model_version: e.modelVersion,
        evaluation_id: e.evaluationId,
        finished_at: e.finishedAt ? new Date(e.finishedAt).toISOString() : null,
        drift_flagged: e.drift?.flagged ?? false,
        ...Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [k, v])),
      });
    }
  }
  return rows;
}

/** RFC 4180 CSV: every field quoted when it holds a comma, quote or newline; columns are the union of keys. */
export function toCsv(rows: Array<Record<string, string | number | boolean | null | undefined>>): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const cell = (v: string | number | boolean | null | undefined) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
