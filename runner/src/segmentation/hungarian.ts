// Rectangular linear sum assignment by shortest augmenting paths (Jonker-Volgenant family, O(n²m)), in the
// formulation of D. F. Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES 52(4), 2016 —
// the algorithm behind scipy.optimize.linear_sum_assignment, which every reference segmentation evaluation
// (STEGO, PiCIE, DiffSeg) calls.
//
// Ties matter: when several matchings reach the optimum, which one is returned changes per-class IoU (the
// per-image protocol's mIoU on shared/fixtures/segmentation moves by ~1e-7 between optimal matchings). We
// therefore resolve ties exactly as scipy does: a tall matrix is transposed so rows ≤ columns, rows are
// augmented in order, the column scan starts from the last column and removes visited columns by swapping in
// the last remaining one, and among equally short paths an unassigned column wins, otherwise the first found.

/** A one-to-one matching: `rows[t]` is matched to `cols[t]`; pairs are sorted by row; `min(nRows, nCols)` pairs. */
export interface Assignment {
  rows: Int32Array;
  cols: Int32Array;
}

export interface AssignmentOptions {
  /** Maximize the total weight instead of minimizing the total cost. Default false. */
  maximize?: boolean;
}

/**
 * Optimal one-to-one assignment on a row-major `nRows × nCols` matrix of finite numbers: every row is matched
 * when `nRows ≤ nCols`, every column otherwise. Pure; ties resolved as scipy's `linear_sum_assignment`.
 */
export function linearSumAssignment(matrix: ArrayLike<number>, nRows: number, nCols: number, options: AssignmentOptions = {}): Assignment {
  if (!Number.isInteger(nRows) || !Number.isInteger(nCols) || nRows < 0 || nCols < 0) {
    throw new RangeError(`matrix dimensions must be non-negative integers, got ${nRows}×${nCols}`);
  }
  if (matrix.length !== nRows * nCols) {
    throw new RangeError(`matrix has ${matrix.length} entries, expected ${nRows}×${nCols} = ${nRows * nCols}`);
  }
  if (nRows === 0 || nCols === 0) return { rows: new Int32Array(0), cols: new Int32Array(0) };

  const transpose = nCols < nRows;
  const nr = transpose ? nCols : nRows;
  const nc = transpose ? nRows : nCols;
  const sign = options.maximize ? -1 : 1;
  const cost = new Float64Array(nr * nc);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < nCols; j++) {
      const value = matrix[i * nCols + j];
      if (!Number.isFinite(value)) throw new RangeError(`matrix[${i}][${j}] is not finite: ${value}`);
      cost[transpose ? j * nRows + i : i * nCols + j] = sign * value;
    }
  }

  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const colForRow = new Int32Array(nr).fill(-1);
  const rowForCol = new Int32Array(nc).fill(-1);
  const visitedRow = new Uint8Array(nr);
  const visitedCol = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let curRow = 0; curRow < nr; curRow++) {
    // Dijkstra-like search for the shortest augmenting path from curRow in the reduced costs.
    let minVal = 0;
    let numRemaining = nc;
    for (let t = 0; t < nc; t++) remaining[t] = nc - t - 1;
    visitedRow.fill(0);
    visitedCol.fill(0);
    shortest.fill(Infinity);

    let i = curRow;
    let sink = -1;
    while (sink === -1) {
      let index = -1;
      let lowest = Infinity;
      visitedRow[i] = 1;
      for (let t = 0; t < numRemaining; t++) {
        const j = remaining[t];
        const r = minVal + cost[i * nc + j] - u[i] - v[j];
        if (r < shortest[j]) {
          path[j] = i;
          shortest[j] = r;
        }
        if (shortest[j] < lowest || (shortest[j] === lowest && rowForCol[j] === -1)) {
          lowest = shortest[j];
          index = t;
        }
      }
      minVal = lowest;
      // Unreachable with finite costs and nr ≤ nc; kept so a logic error cannot loop forever.
      if (index === -1 || minVal === Infinity) throw new Error('linearSumAssignment: no augmenting path');
      const j = remaining[index];
      if (rowForCol[j] === -1) sink = j;
      else i = rowForCol[j];
      visitedCol[j] = 1;
      remaining[index] = remaining[--numRemaining];
    }

    u[curRow] += minVal;
    for (let r = 0; r < nr; r++) {
      if (visitedRow[r] && r !== curRow) u[r] += minVal - shortest[colForRow[r]];
    }
    for (let c = 0; c < nc; c++) {
      if (visitedCol[c]) v[c] -= minVal - shortest[c];
    }

    let j = sink;
    for (;;) {
      const r = path[j];
      rowForCol[j] = r;
      const previous = colForRow[r];
      colForRow[r] = j;
      j = previous;
      if (r === curRow) break;
    }
  }

  const rows = new Int32Array(nr);
  const cols = new Int32Array(nr);
  if (transpose) {
    // Transposed row r is original column r; report pairs sorted by original row.
    const order = Array.from({ length: nr }, (_, r) => r).sort((a, b) => colForRow[a] - colForRow[b]);
    order.forEach((r, t) => {
      rows[t] = colForRow[r];
      cols[t] = r;
    });
  } else {
    for (let r = 0; r < nr; r++) {
      rows[r] = r;
      cols[r] = colForRow[r];
    }
  }
  return { rows, cols };
}

/** Maximum-weight one-to-one assignment (Kuhn-Munkres objective) on a row-major `nRows × nCols` weight matrix. */
export function maxWeightAssignment(weights: ArrayLike<number>, nRows: number, nCols: number): Assignment {
  return linearSumAssignment(weights, nRows, nCols, { maximize: true });
}

/** Sum of the matched entries of a row-major matrix with `nCols` columns. */
export function assignmentWeight(matrix: ArrayLike<number>, nCols: number, assignment: Assignment): number {
  let total = 0;
  for (let t = 0; t < assignment.rows.length; t++) total += matrix[assignment.rows[t] * nCols + assignment.cols[t]];
  return total;
}
