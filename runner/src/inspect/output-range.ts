/**
 * Whether a generator's images lie in the range its manifest declares. A graph that outputs [0, 255] while
 * declaring [-1, 1] would be quantized to white images and ranked; the dry run sees its outputs, so it is
 * refused at submission. The rule leaves room for overshoot that quantization clips anyway (a tanh-free
 * generator slightly past ±1): it refuses when more than MAX_FRACTION_OUTSIDE of the values lie beyond the
 * range by more than MARGIN of its width. NaN and ±Inf are not judged here: they fail the evaluation, naming
 * the sample.
 */
export const MARGIN = 0.1;
export const MAX_FRACTION_OUTSIDE = 0.01;

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, '');
}

/** A sentence completing "the images …" when the rule refuses `values`, or undefined when they fit. */
export function outputRangeProblem(values: ArrayLike<number>, range: readonly [number, number]): string | undefined {
  const [lo, hi] = range;
  const margin = MARGIN * (hi - lo);
  let outside = 0;
  let finite = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v < lo - margin || v > hi + margin) outside++;
  }
  if (finite === 0 || outside <= MAX_FRACTION_OUTSIDE * finite) return undefined;
  const pct = ((100 * outside) / finite).toFixed(1);
  return (
    `fall outside the declared output_range [${lo}, ${hi}]: ${pct}% of their values lie beyond ` +
    `[${fmt(lo - margin)}, ${fmt(hi + margin)}] (values seen: ${fmt(min)} to ${fmt(max)}); ` +
    `a generator is refused when more than ${100 * MAX_FRACTION_OUTSIDE}% of its values lie beyond its range by more than ` +
    `${100 * MARGIN}% of the range's width. Declare the range the graph outputs ([-1, 1] or [0, 1]) or rescale its output.`
  );
}
