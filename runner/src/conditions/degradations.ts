// The degradations of image-restoration suites, as DDRM (Kawar et al. 2022, github.com/bahjat-kawar/ddrm,
// functions/svd_replacement.py) defines its measurements y = H·x + σ_y·ε, on images x in [−1, 1], NCHW float32:
// - `sr-block-average` (DDRM's SuperResolution, `sr_averagepooling`): each factor×factor block averaged; y is
//   (H/f)×(W/f);
// - `deblur-gaussian` (DDRM's `deblur_gauss`): the separable kernel k(x) = exp(−x²/2σ²), x = −2..2, σ = 10,
//   normalised to sum 1, applied along rows then columns as DDRM's matrix does: y_i = Σ_j k(j − i)·x_j over the
//   pixels inside the image (zero padding, no renormalisation at the borders);
// - `inpaint-box`: a centred square hole of side ⌊fraction·H⌋ (DDRM inpaints with masks given as files; the
//   smoke suites use a box); y keeps the image outside the hole and is 0 (mid-grey) inside it.
// Noise: ε ~ N(0, 1) per value of y, drawn from the pinned stream degradationNoiseStream(seed, index), so
// condition `index` is the same whatever the batch; for inpainting, the hole stays 0 (DDRM observes no noise
// there, as it observes no pixel).

import { Degradation, DegradationSpec, DEGRADATION_KINDS } from '../../../contracts/conditions/degradation.schemas.js';
import { normals } from '../random/prng.js';
import { degradationNoiseStream } from '../random/protocol-streams.js';

/** A degradation the harness does not define, or one that does not fit the images; the message says which. */
export class DegradationError extends Error {
  override readonly name = 'DegradationError';
}

/** Parses a suite's degradation; an unknown kind or a bad parameter is a DegradationError naming the known kinds. */
export function parseDegradation(value: unknown): DegradationSpec {
  const r = DegradationSpec.safeParse(value);
  if (r.success) return r.data;
  const kind = (value as { degradation?: { kind?: unknown } } | undefined)?.degradation?.kind;
  if (typeof kind !== 'string' || !(DEGRADATION_KINDS as readonly string[]).includes(kind))
    throw new DegradationError(`unknown degradation ${JSON.stringify(kind)} (known: ${DEGRADATION_KINDS.join(', ')})`);
  throw new DegradationError(
    `degradation ${kind}: ${r.error.issues.map((i) => `${i.path.join('.') || '(spec)'}: ${i.message}`).join('; ')}`,
  );
}

/** The side of y for a `size`×`size` image. */
export function measurementSize(d: Degradation, size: number): number {
  if (d.kind === 'sr-block-average') {
    if (size % d.factor !== 0)
      throw new DegradationError(`×${d.factor} block averaging needs a side divisible by ${d.factor}, not ${size}`);
    return size / d.factor;
  }
  return size;
}

/** DDRM's deblurring taps: exp(−x²/2σ²) for x = −2..2, normalised. */
export function gaussianBlurTaps(sigma: number): Float64Array {
  const k = Float64Array.from([-2, -1, 0, 1, 2], (x) => Math.exp(-0.5 * (x / sigma) ** 2));
  const s = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / s);
}

function degradeOne(d: Degradation, x: Float32Array, size: number, out: Float32Array): void {
  const n = size * size;
  if (d.kind === 'sr-block-average') {
    const f = d.factor;
    const m = size / f;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) s += x[c * n + (i * f + a) * size + j * f + b];
          out[c * m * m + i * m + j] = s / (f * f);
        }
    return;
  }
  if (d.kind === 'deblur-gaussian') {
    const k = gaussianBlurTaps(d.sigma);
    const tmp = new Float64Array(n);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < size; y++)
        for (let xx = 0; xx < size; xx++) {
          let s = 0;
          for (let t = -2; t <= 2; t++) if (xx + t >= 0 && xx + t < size) s += k[t + 2] * x[c * n + y * size + xx + t];
          tmp[y * size + xx] = s;
        }
      for (let y = 0; y < size; y++)
        for (let xx = 0; xx < size; xx++) {
          let s = 0;
          for (let t = -2; t <= 2; t++) if (y + t >= 0 && y + t < size) s += k[t + 2] * tmp[(y + t) * size + xx];
          out[c * n + y * size + xx] = s;
        }
    }
    return;
  }
  const hole = boxMask(d.fraction, size);
  for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) out[c * n + p] = hole[p] ? 0 : x[c * n + p];
}

/** 1 inside the centred square hole of side ⌊fraction·size⌋, 0 elsewhere. */
export function boxMask(fraction: number, size: number): Uint8Array {
  const side = Math.floor(fraction * size);
  const start = Math.floor((size - side) / 2);
  const m = new Uint8Array(size * size);
  for (let y = start; y < start + side; y++) for (let x = start; x < start + side; x++) m[y * size + x] = 1;
  return m;
}

/**
 * The measurements y of `count` square images x (NCHW float32 in [−1, 1], side `size`), images first..first+count
 * of the suite (their index seeds the noise): y = H·x + σ_y·ε as defined above.
 */
export function degrade(spec: DegradationSpec, images: Float32Array, count: number, size: number, seed: number, first = 0): Float32Array {
  if (images.length !== count * 3 * size * size)
    throw new DegradationError(`expected ${count} images of 3×${size}×${size} values, got ${images.length} values`);
  const m = measurementSize(spec.degradation, size);
  const per = 3 * m * m;
  const out = new Float32Array(count * per);
  const hole = spec.degradation.kind === 'inpaint-box' ? boxMask(spec.degradation.fraction, size) : undefined;
  for (let i = 0; i < count; i++) {
    const y = out.subarray(i * per, (i + 1) * per);
    degradeOne(spec.degradation, images.subarray(i * 3 * size * size, (i + 1) * 3 * size * size), size, y);
    if (spec.sigma_y > 0) {
      const eps = normals(degradationNoiseStream(seed, first + i), per, spec.sigma_y);
      for (let p = 0; p < per; p++) if (!hole || !hole[p % (m * m)]) y[p] += eps[p];
    }
  }
  return out;
}
