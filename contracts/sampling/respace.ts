import { z } from 'zod';
import { SamplingConfigError } from './errors.js';

/*
 * Timestep respacing as guided-diffusion defines it (`respace.py`, `space_timesteps` and `SpacedDiffusion`;
 * Nichol & Dhariwal 2021, section 4): a sampler keeps a subset of a discrete schedule's N timesteps and runs
 * the diffusion process restricted to them, with β recomputed from the kept ᾱ:
 *
 *   β'_k = 1 − ᾱ_{n_k} / ᾱ_{n_{k−1}}   (ᾱ_{n_{−1}} = 1),   so ᾱ'_k = ᾱ_{n_k} exactly,
 *
 * and the network is fed the original index n_k (guided-diffusion's `timestep_map`, `rescale_timesteps`
 * off, as ADM samples). The kept set is given the way guided-diffusion's `--timestep_respacing` takes it:
 *
 *   "a,b,c"  N is cut into as many equal sections as counts (the first N mod sections one step longer); a
 *            section of `size` steps keeping `count` takes round(j·(size − 1)/(count − 1)) for j = 0…count−1
 *            from its start (the stride accumulated by repeated addition, Python's round: half to even;
 *            count 1 takes the section's first step). "250" is one section.
 *   "ddimK"  the fixed stride of the DDIM paper: {0, s, 2s, …} for the smallest integer s ≥ 1 giving exactly K
 *            steps; refused where no such s exists.
 *
 * A respaced grid visits the kept indices from the largest down, then the clean end (−1), like any other grid
 * of a discrete schedule (schedules.ts): the solvers read α and σ at each index, so β' never needs storing;
 * the ancestral solver (ancestral.ts) derives it from consecutive nodes exactly as above.
 */

/** guided-diffusion's `--timestep_respacing` value: comma-separated section counts, or "ddimK". */
export const Respacing = z
  .string()
  .regex(/^(ddim[1-9]\d*|[1-9]\d*(,[1-9]\d*)*)$/, 'respacing is section counts such as "250" or "10,15,20", or "ddimK" such as "ddim25"');
export type Respacing = z.infer<typeof Respacing>;

/** Python 3's round(): half to even. */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The timesteps `respacing` keeps of a discrete schedule with `numTimesteps` steps, ascending and distinct
 * (guided-diffusion's `space_timesteps`, which returns them as a set). SamplingConfigError where
 * guided-diffusion raises.
 */
export function spaceTimesteps(numTimesteps: number, respacing: string): number[] {
  const parsed = Respacing.safeParse(respacing);
  if (!parsed.success) throw new SamplingConfigError(`invalid respacing "${respacing}": ${parsed.error.issues[0]?.message}`);
  if (!Number.isInteger(numTimesteps) || numTimesteps < 1) {
    throw new SamplingConfigError(`a respaced schedule needs a positive number of steps, got ${numTimesteps}`);
  }
  if (respacing.startsWith('ddim')) {
    const desired = Number(respacing.slice(4));
    for (let stride = 1; stride < numTimesteps; stride++) {
      if (Math.ceil(numTimesteps / stride) === desired) {
        return Array.from({ length: desired }, (_, k) => k * stride);
      }
    }
    throw new SamplingConfigError(`cannot create exactly ${desired} steps with an integer stride from ${numTimesteps} ("${respacing}")`);
  }
  const counts = respacing.split(',').map(Number);
  const sizePer = Math.floor(numTimesteps / counts.length);
  const extra = numTimesteps % counts.length;
  const kept = new Set<number>();
  let start = 0;
  counts.forEach((count, i) => {
    const size = sizePer + (i < extra ? 1 : 0);
    if (size < count) throw new SamplingConfigError(`cannot divide a section of ${size} steps into ${count} ("${respacing}")`);
    const stride = count <= 1 ? 1 : (size - 1) / (count - 1);
    let cursor = 0;
    for (let j = 0; j < count; j++) {
      kept.add(start + pythonRound(cursor));
      cursor += stride;
    }
    start += size;
  });
  return [...kept].sort((a, b) => a - b);
}

/**
 * β' of the respaced process for kept ᾱ values (ascending timesteps), float64: β'_k = 1 − ᾱ'_k/ᾱ'_{k−1},
 * ᾱ'_{−1} = 1 — guided-diffusion's `SpacedDiffusion.__init__`.
 */
export function respacedBetas(keptAlphasCumprod: ArrayLike<number>): Float64Array {
  const out = new Float64Array(keptAlphasCumprod.length);
  let last = 1;
  for (let k = 0; k < out.length; k++) {
    const abar = keptAlphasCumprod[k]!;
    out[k] = 1 - abar / last;
    last = abar;
  }
  return out;
}
