import { Table, TableBody, TableCell, TableRow, Typography } from '@mui/material';
import type { Provenance } from '../api-types';
import { formatDuration, formatHardware } from '../format';
import { JsonBlock } from './JsonBlock';

/** The runner's phase names (run-evaluation.ts, segmentation-evaluation.ts) as a reader says them. */
const PHASES: Record<string, string> = {
  sampling: 'sampling',
  decoding: 'decoding',
  features: 'features',
  samplesAndFeatures: 'sampling and features',
  reference: 'reference statistics',
  metrics: 'metrics',
  total: 'total',
};
/** The stages of stage-clock.ts, in the order an evaluation goes through them: shown first, with their share of the total. */
const STAGES = ['sampling', 'decoding', 'features', 'reference', 'metrics'];

/** "sampling 12 s (61%) · features 6 s (30%) · … · total 20 s": where the run's time went. */
function durationsText(durationsMs: Record<string, number>): string {
  const total = durationsMs.total;
  const keys = [...STAGES.filter((k) => k in durationsMs), ...Object.keys(durationsMs).filter((k) => !STAGES.includes(k))];
  return keys
    .map((k) => {
      const v = durationsMs[k]!;
      const share = STAGES.includes(k) && total ? ` (${Math.round((100 * v) / total)}%)` : '';
      return `${phaseLabel(k)} ${formatDuration(v)}${share}`;
    })
    .join(' · ');
}
/** A phase this page does not know yet: `someNewPhase` → `some new phase`, never the raw key. */
const phaseLabel = (key: string) =>
  PHASES[key] ??
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();

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
    rows.push(['Durations', durationsText(durationsMs), 'durations']);
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
