/**
 * Where an evaluation's time goes: wall time per stage (sampling the model, decoding latents or reading an
 * uploaded sample batch, extracting features of samples and of the reference, scoring), with the rate and
 * the time left of the stage that is running. `genbench evaluate` prints it, the runner posts it with its
 * progress, and provenance keeps the wall times (`durationsMs`), which the evaluation page shows.
 */
export const STAGES = ['sampling', 'decoding', 'features', 'reference', 'metrics'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageProgress {
  /** The stage running now. */
  stage: Stage;
  /** Samples (or reference images) through the sample loop so far, of `total`. */
  done: number;
  total: number;
  /** Samples a second through the whole loop (every stage it spends time in), null before the first. */
  ratePerS: number | null;
  /** Seconds left in the sample loop at that rate; null when unknown. */
  etaS: number | null;
  /** Wall time per stage so far, in ms. */
  wallMs: Partial<Record<Stage, number>>;
}

export class StageClock {
  readonly wallMs: Partial<Record<Stage, number>> = {};
  private stage: Stage = 'sampling';
  private loopStart: number | undefined;

  /** Runs `fn` as `stage`, adding its wall time (nested stages are subtracted from the outer one). */
  async time<T>(stage: Stage, fn: () => Promise<T>): Promise<T> {
    const outer = this.stage;
    this.stage = stage;
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - t0);
      this.stage = outer;
    }
  }

  /** Adds time spent in `stage` inside another one (e.g. decoding inside sampling). */
  add(stage: Stage, ms: number): void {
    this.wallMs[stage] = (this.wallMs[stage] ?? 0) + ms;
  }

  /** Takes `ms` of `from` and books it to `to` (time measured inside a stage that belongs to another). */
  move(from: Stage, to: Stage, ms: number): void {
    this.add(from, -ms);
    this.add(to, ms);
  }

  startLoop(): void {
    this.loopStart = performance.now();
  }

  progress(done: number, total: number, stage: Stage = this.stage): StageProgress {
    const elapsedS = this.loopStart === undefined ? 0 : (performance.now() - this.loopStart) / 1000;
    const ratePerS = done > 0 && elapsedS > 0 ? done / elapsedS : null;
    const etaS = ratePerS ? Math.max(0, (total - done) / ratePerS) : null;
    const wallMs = Object.fromEntries(Object.entries(this.wallMs).map(([k, v]) => [k, Math.round(v)]));
    return { stage, done, total, ratePerS, etaS, wallMs };
  }
}

/** "sampling 120/500 samples, 14.2/s, ETA 27 s · sampling 6.1 s, features 2.3 s", for a progress line. */
export function describeProgress(p: StageProgress, unit = 'samples'): string {
  const rate = p.ratePerS === null ? '' : `, ${p.ratePerS.toFixed(p.ratePerS < 10 ? 1 : 0)}/s`;
  const eta = p.etaS === null ? '' : `, ETA ${formatSeconds(p.etaS)}`;
  const stages = STAGES.filter((s) => (p.wallMs[s] ?? 0) > 0)
    .map((s) => `${s} ${formatSeconds(p.wallMs[s]! / 1000)}`)
    .join(', ');
  return `${p.stage} ${Math.floor(p.done)}/${p.total} ${unit}${rate}${eta}${stages ? ` · ${stages}` : ''}`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
