import { Box, LinearProgress, Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';
import type { Evaluation } from '../api-types';
import { formatDuration } from '../format';
import { stageBreakdown } from './stage-breakdown';

const CAPTIONS = {
  live: 'Where the time goes (live, from the runner)',
  final: 'Where the time went',
  last: 'Where the time went before the run stopped',
} as const;

/** Wall time per stage: live while the evaluation runs, from provenance after (stage-breakdown.ts). */
export const StageBreakdownTable = () => {
  const e = useRecordContext<Evaluation>();
  const b = e ? stageBreakdown(e) : null;
  if (!b || b.rows.length === 0) return null;
  return (
    <Box data-testid="stage-breakdown">
      <Typography variant="caption" color="text.secondary" component="div">
        {CAPTIONS[b.source]}
        {b.headline && ` · ${b.headline}`}
      </Typography>
      <Table size="small" aria-label="time per stage">
        <TableBody>
          {b.rows.map((r) => (
            <TableRow key={r.stage} data-testid={`stage-${r.stage}`}>
              <TableCell sx={{ width: 120, fontWeight: r.running ? 600 : undefined }}>
                {r.stage}
                {r.running && ' (running)'}
              </TableCell>
              <TableCell sx={{ width: 110 }}>{formatDuration(r.ms)}</TableCell>
              <TableCell>
                <LinearProgress variant="determinate" value={Math.round(r.share * 100)} aria-label={`${r.stage} share of the time`} />
              </TableCell>
              <TableCell sx={{ width: 60 }} align="right">
                {Math.round(r.share * 100)}%
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};
