import { describe, expect, it } from 'vitest';
import { type ExportBoard, exportRows, toCsv } from './leaderboard-export.js';

describe('leaderboard export', () => {
  const boards: ExportBoard[] = [
    {
      suite: { id: 's', version: 1, task: 'unconditional-generation', resolution: 32, primaryMetric: 'fid' },
      entries: [
        {
          rank: 1,
          model: { name: 'a,"b"', owner: 'o', kind: 'generator' },
          modelVersion: 2,
          evaluationId: 'e1',
          metrics: { fid: 1.5 },
          finishedAt: '2026-11-27T00:00:00.000Z',
          drift: null,
        },
        {
          rank: 2,
          model: { name: 'c', owner: 'o', kind: 'generator' },
          modelVersion: 1,
          evaluationId: 'e2',
          metrics: { fid: 2, sfid: 3 },
          finishedAt: null,
          drift: { flagged: true },
        },
      ],
    },
  ];
  it('flattens one row per entry with the union of metric columns, quoting as RFC 4180 says', () => {
    const csv = toCsv(exportRows(boards));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'suite,suite_version,task,resolution,protocol,rank,model,owner,kind,model_version,evaluation_id,finished_at,drift_flagged,fid,sfid',
    );
    expect(lines[1]).toBe('s,1,unconditional-generation,32,,1,"a,""b""",o,generator,2,e1,2026-11-27T00:00:00.000Z,false,1.5,');
    expect(lines[2]).toBe('s,1,unconditional-generation,32,,2,c,o,generator,1,e2,,true,2,3');
  });
});
