import type { Evaluation } from '../api-types';
import { formatDuration } from '../format';

/** The stages of runner/src/evaluation/stage-clock.ts, in the order an evaluation goes through them. */
export const STAGE_ORDER = ['sampling', 'decoding', 'features', 'reference', 'metrics'];

export interface StageRow {
  stage: string;
  ms: number;
  /** Share of the time the stages took so far (live) or of the whole run (after it), 0–1. */
  share: number;
  running: boolean;
}

export interface StageBreakdown {
  /**
   * `live` while the evaluation runs (the runner's latest post); `final` from provenance after the run;
   * `last` for a run that stopped without provenance wall times (the last post before it failed or was cancelled).
   */
  source: 'live' | 'final' | 'last';
  rows: StageRow[];
  /** "features 1,200/5,000 samples · 14.2/s · ETA 4 min 28 s", live only. */
  headline: string | null;
}

/**
 * Where an evaluation's time went: while it runs, the runner's posted stage progress; once it succeeded, the
 * wall times in its provenance (`durationsMs`); null when neither is known (queued, or an old result).
 */
export function stageBreakdown(e: Pick<Evaluation, 'status' | 'stageProgress' | 'provenance'>): StageBreakdown | null {
  const durations = e.provenance?.durationsMs;
  const live = e.status === 'running' || !durations;
  const p = e.stageProgress;
  const wall = live ? p?.wallMs : durations;
  if (!wall) return null;
  const stages = [...STAGE_ORDER.filter((s) => s in wall), ...Object.keys(wall).filter((s) => !STAGE_ORDER.includes(s) && live)];
  const total = live ? stages.reduce((sum, s) => sum + Math.max(0, wall[s] ?? 0), 0) : (durations!.total ?? 0);
  const running = live && e.status === 'running' ? p?.stage : undefined;
  if (running && !stages.includes(running)) stages.push(running);
  const rows = stages.map((stage) => {
    const ms = Math.max(0, wall[stage] ?? 0);
    return { stage, ms, share: total > 0 ? ms / total : 0, running: stage === running };
  });
  const source = e.status === 'running' ? 'live' : live ? 'last' : 'final';
  return { source, rows, headline: live && p ? headlineOf(p) : null };
}

function headlineOf(p: NonNullable<Evaluation['stageProgress']>): string {
  const parts = [`${p.stage} ${Math.floor(p.done).toLocaleString('en')}/${p.total.toLocaleString('en')} samples`];
  if (p.ratePerS != null) parts.push(`${p.ratePerS.toFixed(p.ratePerS < 10 ? 1 : 0)}/s`);
  if (p.etaS != null) parts.push(`ETA ${formatDuration(p.etaS * 1000)}`);
  return parts.join(' · ');
}
