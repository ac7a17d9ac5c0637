// Kendall's τ-b (Kendall 1945), which corrects for ties in either ranking; the same quantity as
// scipy.stats.kendalltau(x, y, variant='b'). O(n²): a board holds tens of models, not thousands.

/** τ-b of two equally long sequences; NaN when either is constant (or shorter than 2), as scipy returns. */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`kendallTauB: lengths differ (${n} and ${y.length})`);
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0; // pairs tied in x (including those tied in both)
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0) tiedX++;
      if (dy === 0) tiedY++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) concordant++;
        else discordant++;
      }
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiedX) * (pairs - tiedY));
  return denominator === 0 ? NaN : (concordant - discordant) / denominator;
}
