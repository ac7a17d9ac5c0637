import { describe, expect, it } from 'vitest';
import { type ExportBoard, exportTable, toCsv } from './leaderboard-export.js';

/** A CSV as toCsv writes it, read back (RFC 4180 quoting), for comparing with the JSON rows. */
function parseCsv(csv: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted && c === '"' && csv[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && c === '\r' && csv[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return records;
}

const generation: ExportBoard = {
  suite: { id: 's', version: 1, task: 'unconditional-generation', resolution: 32, primaryMetric: 'fid', protocol: null, classes: null },
  entries: [
    {
      rank: 1,
      model: { id: 'm1', name: 'a,"b"', owner: 'o', kind: 'generator' },
      modelVersion: 2,
      visibility: 'public',
      evaluationId: 'e1',
      metrics: { fid: 1.5 },
      intervals: { fid: [1.25, 1.75] },
      finishedAt: '2026-11-27T00:00:00.000Z',
      trigger: 'submission',
      drift: null,
      protocol: null,
      arena: { rating: 1043.5, low: 1001.25, high: 1090, votes: 31 },
    },
    {
      rank: 2,
      model: { id: 'm2', name: 'c', owner: 'o', kind: 'denoiser' },
      modelVersion: 1,
      visibility: 'private',
      evaluationId: 'e2',
      metrics: { fid: 2, sfid: 3 },
      finishedAt: null,
      trigger: 'schedule',
      drift: { relativeChange: 0.25, flagged: true },
      protocol: { solver: 'ddim', steps: 50, guidance: 1.5, nfe: 50 },
      arena: { rating: null, low: null, high: null, votes: 3 },
    },
  ],
};
const segmentation: ExportBoard = {
  suite: {
    id: 'seg',
    version: 3,
    task: 'zero-shot-segmentation',
    resolution: 64,
    primaryMetric: 'miou',
    protocol: 'dataset-hungarian',
    classes: 27,
  },
  entries: [
    {
      rank: 1,
      model: { id: 'm3', name: 'seg', owner: 'p', kind: 'segmenter' },
      modelVersion: 1,
      visibility: 'public',
      evaluationId: 'e3',
      metrics: { miou: 0.5 },
      finishedAt: new Date('2026-11-28T00:00:00.000Z'),
      trigger: 'submission',
      drift: null,
      protocol: null,
    },
  ],
};

describe('leaderboard export', () => {
  it('decides the columns once: suite and entry, every metric (bounds where any entry has an interval), provenance', () => {
    expect(exportTable([generation, segmentation]).columns).toEqual([
      ...['suite', 'suite_version', 'task', 'resolution', 'protocol', 'classes', 'primary_metric'],
      ...['rank', 'model', 'model_id', 'model_version', 'visibility', 'owner', 'kind'],
      ...['sampler', 'steps', 'guidance', 'nfe'],
      ...['fid', 'fid_lo', 'fid_hi', 'sfid', 'miou'],
      ...['arena_rating', 'arena_rating_lo', 'arena_rating_hi', 'arena_votes'],
      ...['finished_at', 'trigger', 'drift', 'drift_flagged', 'evaluation_id'],
    ]);
  });

  it('writes one row per entry, every column present, null where a board has no value', () => {
    const { columns, rows } = exportTable([generation, segmentation]);
    for (const r of rows) expect(Object.keys(r)).toEqual(columns);
    expect(rows[1]).toMatchObject({ sampler: 'ddim', steps: 50, guidance: 1.5, nfe: 50, fid: 2, fid_lo: null, sfid: 3, miou: null });
    expect(rows[1]).toMatchObject({ drift: 0.25, drift_flagged: true, finished_at: null, visibility: 'private' });
    expect(rows[2]).toMatchObject({ suite: 'seg', protocol: 'dataset-hungarian', classes: 27, fid: null, miou: 0.5 });
    expect(rows[2]!.finished_at).toBe('2026-11-28T00:00:00.000Z');
    // Arena standing: rated, too few votes (no rating, its votes still counted), not rated at all.
    expect(rows[0]).toMatchObject({ arena_rating: 1043.5, arena_rating_lo: 1001.25, arena_rating_hi: 1090, arena_votes: 31 });
    expect(rows[1]).toMatchObject({ arena_rating: null, arena_rating_lo: null, arena_rating_hi: null, arena_votes: 3 });
    expect(rows[2]).toMatchObject({ arena_rating: null, arena_votes: null });
  });

  it('quotes CSV as RFC 4180 says', () => {
    const lines = toCsv(exportTable([generation])).split('\r\n');
    expect(lines[0]).toBe(
      'suite,suite_version,task,resolution,protocol,classes,primary_metric,rank,model,model_id,model_version,visibility,owner,kind,sampler,steps,guidance,nfe,fid,fid_lo,fid_hi,sfid,arena_rating,arena_rating_lo,arena_rating_hi,arena_votes,finished_at,trigger,drift,drift_flagged,evaluation_id',
    );
    expect(lines[1]).toBe(
      's,1,unconditional-generation,32,,,fid,1,"a,""b""",m1,2,public,o,generator,,,,,1.5,1.25,1.75,,1043.5,1001.25,1090,31,2026-11-27T00:00:00.000Z,submission,,false,e1',
    );
    expect(lines[3]).toBe('');
  });

  it('writes the CSV from the same rows as the JSON', () => {
    const table = exportTable([generation, segmentation]);
    const [header, ...records] = parseCsv(toCsv(table));
    expect(header).toEqual(table.columns);
    expect(records).toEqual(table.rows.map((r) => table.columns.map((c) => (r[c] === null ? '' : String(r[c])))));
  });

  it('writes only the header for no entries', () => {
    expect(exportTable([]).rows).toEqual([]);
    expect(toCsv(exportTable([])).split('\r\n')[1]).toBe('');
  });
});
