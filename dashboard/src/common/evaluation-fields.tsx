import { Alert, AlertTitle, Box, Chip, LinearProgress, Tooltip, Typography } from '@mui/material';
import { Link, useRecordContext } from 'react-admin';
import WarningIcon from '@mui/icons-material/WarningAmber';
import type { Drift, Evaluation, EvaluationStatus } from '../api-types';
import { formatHardware, formatRelativeChange } from '../format';
import { directionArrow, formatMetric, metricLabel, useMetricRegistry } from '../metrics';

const STATUS_COLOR: Record<EvaluationStatus, 'default' | 'info' | 'success' | 'error' | 'warning'> = {
  queued: 'default',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  cancelled: 'warning',
};

export const StatusChip = ({ status }: { status: EvaluationStatus }) => (
  <Chip
    size="small"
    label={status}
    color={STATUS_COLOR[status] ?? 'default'}
    variant={status === 'queued' ? 'outlined' : 'filled'}
    data-testid="evaluation-status"
    data-status={status}
  />
);

export const StatusField = () => {
  const e = useRecordContext<Evaluation>();
  return e ? <StatusChip status={e.status} /> : null;
};

/** Determinate while running; a queued evaluation shows an empty bar and says it waits for a runner. */
export const ProgressField = ({ width = 140 }: { width?: number | string }) => {
  const e = useRecordContext<Evaluation>();
  if (!e) return null;
  const pct = Math.round((e.status === 'succeeded' ? 1 : e.progress) * 100);
  const LABELS: Record<Evaluation['status'], string> = {
    queued: 'waiting for a runner',
    running: e.progress === 0 ? 'starting' : `${pct}%`,
    succeeded: 'done',
    failed: `stopped at ${pct}%`,
    cancelled: `cancelled at ${pct}%`,
  };
  const label = LABELS[e.status];
  return (
    <Box sx={{ width, display: 'flex', flexDirection: 'column', gap: 0.25 }}>
      <LinearProgress
        variant={e.status === 'running' && e.progress === 0 ? 'indeterminate' : 'determinate'}
        value={pct}
        color={e.status === 'failed' ? 'error' : e.status === 'succeeded' ? 'success' : 'primary'}
        data-testid="evaluation-progress"
        aria-label={`progress of evaluation on ${e.suite.id}`}
      />
      <Typography variant="caption" color="text.secondary">
        {label}
      </Typography>
    </Box>
  );
};

/** The suite's primary metric, with its interval when the runner reported one. */
export const ScoreField = ({ size = 'body2' }: { size?: 'body2' | 'h4' }) => {
  const e = useRecordContext<Evaluation>();
  const { higherIsBetter } = useMetricRegistry();
  if (!e) return null;
  const metric = e.suite.primaryMetric;
  const value = e.metrics?.[metric];
  if (value == null) {
    return (
      <Typography variant="body2" color="text.secondary" component="span">
        {size === 'h4' ? (e.status === 'failed' || e.status === 'cancelled' ? 'no score' : 'no score yet') : '—'}
      </Typography>
    );
  }
  const interval = e.intervals?.[metric];
  return (
    <Tooltip title={interval ? `interval [${formatMetric(interval[0])}, ${formatMetric(interval[1])}]` : ''}>
      <Typography variant={size} component="span" sx={{ fontVariantNumeric: 'tabular-nums' }}>
        <Box component="span" sx={{ color: 'text.secondary', fontSize: size === 'h4' ? '1rem' : 'inherit', mr: 0.5 }}>
          {metricLabel(metric)} {directionArrow(higherIsBetter(metric))}
        </Box>{' '}
        <Box component="strong" data-testid="evaluation-score" data-metric={metric} data-value={value}>
          {formatMetric(value)}
        </Box>
      </Typography>
    </Tooltip>
  );
};

const FAILURE_KIND_LABEL: Record<NonNullable<Evaluation['failureKind']>, string> = {
  model: "The model's fault: its author must fix it",
  suite: "The suite's fault: an admin must fix it",
  infrastructure: 'Infrastructure fault: retries ran out',
};

export const FailureField = () => {
  const e = useRecordContext<Evaluation>();
  if (!e?.failureReason) return null;
  return (
    <Alert
      severity={e.status === 'failed' ? 'error' : 'warning'}
      sx={{ py: 0, '& .MuiAlert-message': { whiteSpace: 'pre-wrap' } }}
      data-testid="failure-reason"
      data-kind={e.failureKind ?? undefined}
    >
      {e.failureKind && <AlertTitle sx={{ mb: 0 }}>{FAILURE_KIND_LABEL[e.failureKind]}</AlertTitle>}
      {e.failureReason}
    </Alert>
  );
};

export const SuiteLinkField = () => {
  const e = useRecordContext<Evaluation>();
  if (!e) return null;
  return (
    <Link to={`/suites/${encodeURIComponent(e.suite.id)}/show`} onClick={(ev: React.MouseEvent) => ev.stopPropagation()}>
      {e.suite.id}
      <Box component="span" sx={{ color: 'text.secondary' }}>
        {' '}
        v{e.suite.version}
      </Box>
    </Link>
  );
};

export const ModelLinkField = () => {
  const e = useRecordContext<Evaluation>();
  if (!e) return null;
  return (
    <Link to={`/models/${e.model.id}/show`} onClick={(ev: React.MouseEvent) => ev.stopPropagation()}>
      {e.model.name}
      <Box component="span" sx={{ color: 'text.secondary' }}>
        {' '}
        v{e.model.version}
      </Box>
    </Link>
  );
};

/** One line a reader can compare across rows: where, with what and how the score was computed. */
export const ProvenanceSummaryField = () => {
  const e = useRecordContext<Evaluation>();
  const p = e?.provenance;
  if (!p)
    return (
      <Typography variant="caption" color="text.secondary">
        no provenance yet
      </Typography>
    );
  const parts = [
    p.suite ? `suite ${p.suite.id} v${p.suite.version}` : null,
    p.runnerVersion ? `runner ${p.runnerVersion}` : null,
    p.onnxruntimeVersion ? `onnxruntime ${p.onnxruntimeVersion}` : null,
    p.executionProvider ? `EP ${p.executionProvider}` : null,
    p.hardware != null ? formatHardware(p.hardware) : null,
    p.seed != null ? `seed ${p.seed}` : null,
  ].filter(Boolean);
  return (
    <Typography variant="caption" color="text.secondary" data-testid="provenance-summary">
      {parts.join(' · ')}
    </Typography>
  );
};

/** Who started the evaluation: a submission, a schedule (`nightly`) or an admin (`manual`). */
export const TriggerChip = ({ trigger }: { trigger: string }) => (
  <Chip size="small" variant="outlined" label={trigger} data-testid="evaluation-trigger" sx={{ height: 20, fontSize: 11 }} />
);

/**
 * The change of the primary metric against the previous successful evaluation of the same model and suite
 * versions; loud only when beyond the suite's tolerance (scores are meant to be reproducible bit for bit).
 */
export const DriftChip = ({ drift, metric }: { drift: Drift; metric?: string }) => {
  const change = formatRelativeChange(drift.relativeChange);
  const what = metric ? metricLabel(metric) : 'the primary metric';
  const title = drift.flagged
    ? `Re-evaluation moved ${what} by ${change} against the previous evaluation: beyond the suite's drift tolerance`
    : `Re-evaluation moved ${what} by ${change}: within the suite's drift tolerance`;
  return (
    <Tooltip title={title}>
      <Chip
        size="small"
        icon={drift.flagged ? <WarningIcon /> : undefined}
        color={drift.flagged ? 'warning' : 'default'}
        variant={drift.flagged ? 'filled' : 'outlined'}
        label={`drift ${change}`}
        data-testid="drift-marker"
        data-flagged={drift.flagged}
        sx={{ height: 20, fontSize: 11, '& .MuiChip-icon': { fontSize: 14 } }}
      />
    </Tooltip>
  );
};

/** Trigger, and drift where a re-evaluation recorded one. */
export const TriggerField = () => {
  const e = useRecordContext<Evaluation>();
  if (!e) return null;
  return (
    <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', alignItems: 'center' }}>
      <TriggerChip trigger={e.trigger} />
      {e.drift && <DriftChip drift={e.drift} metric={e.suite.primaryMetric} />}
    </Box>
  );
};
