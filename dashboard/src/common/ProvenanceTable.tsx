import { Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import type { Provenance } from '../api-types';
import { formatDuration, formatHardware } from '../format';
import { JsonBlock } from './JsonBlock';

/** Everything needed to tell whether two scores are comparable, as reported by the runner. */
export const ProvenanceTable = ({ provenance }: { provenance: Provenance | null }) => {
  if (!provenance) {
    return (
      <Typography color="text.secondary" data-testid="provenance">
        No provenance yet: the runner reports it with the result.
      </Typography>
    );
  }
  const { suite, runnerVersion, onnxruntimeVersion, executionProvider, hardware, seed, protocol, durationsMs, ...rest } = provenance;
  const rows: Array<[string, React.ReactNode, string]> = [
    ['Suite', suite ? `${suite.id} v${suite.version}` : '—', 'suite'],
    ['Runner version', runnerVersion ?? '—', 'runner-version'],
    ['onnxruntime version', onnxruntimeVersion ?? '—', 'onnxruntime-version'],
    ['Execution provider', executionProvider ?? '—', 'execution-provider'],
    ['Hardware', formatHardware(hardware), 'hardware'],
    ['Seed', seed ?? '—', 'seed'],
  ];
  if (durationsMs) {
    rows.push([
      'Durations',
      Object.entries(durationsMs)
        .map(([k, v]) => `${k} ${formatDuration(v)}`)
        .join(' · '),
      'durations',
    ]);
  }
  return (
    <>
      <Table size="small" data-testid="provenance">
        <TableBody>
          {rows.map(([label, value, key]) => (
            <TableRow key={key}>
              <TableCell component="th" scope="row" sx={{ width: 200, color: 'text.secondary', border: 0 }}>
                {label}
              </TableCell>
              <TableCell sx={{ border: 0, fontFamily: 'monospace' }} data-testid={`provenance-${key}`}>
                {value}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {protocol && <JsonBlock title="Protocol" value={protocol} />}
      {Object.keys(rest).length > 0 && <JsonBlock title="Other provenance" value={rest} />}
    </>
  );
};
