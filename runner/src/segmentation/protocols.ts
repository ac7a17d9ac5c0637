// Zero-shot / unsupervised semantic segmentation scoring: predictions carry arbitrary segment or cluster ids,
// which are matched to ground-truth classes by a maximum-overlap one-to-one assignment before scoring.
//
// `dataset-hungarian` is the STEGO / PiCIE protocol (STEGO src/utils.py `UnsupervisedMetrics`; PiCIE
// commons.py `evaluate`): one cluster × class confusion over every labelled pixel of the set, one Hungarian
// assignment, then IoU on the mapped predictions. `per-image-hungarian` is the DiffSeg-style protocol: each
// image's segments are matched to the classes present in that image. Both are defined precisely in
// shared/fixtures/README.md, whose reference values these functions reproduce within 1e-9.
//
// Protocol choices:
// - Ignored pixels: ground-truth labels outside [0, K) (255 in VOC/COCO-Stuff, -1 in PiCIE) count nowhere —
//   not in the confusion, not as labelled pixels, whatever was predicted there.
// - mIoU averages TP / (TP + FP + FN) over the classes whose denominator is non-zero; pixel accuracy is
//   ΣTP / labelled pixels. Counts are exact integers in float64.
// - Clusters left unmatched in dataset-hungarian (more clusters than classes) map to no class, as STEGO's
//   `map_clusters` maps them to -1: their pixels are FN of their true class and FP of none. STEGO's
//   `compute()` additionally appends one "extra" row/column whose IoU is 0 whenever unmatched clusters hold
//   pixels, and its `update()` drops pixels predicted with ids ≥ n_classes before counting; we do neither,
//   because the mean is over classes (shared/fixtures/README.md) and dropping pixels would reward them.
// - dataset-hungarian matches against all K classes (STEGO's stats has K columns even for classes absent from
//   the set), with clusters as rows as in STEGO; per-image-hungarian uses the classes × segments present.
// - Among several optimal matchings the one scipy's linear_sum_assignment returns is used (see hungarian.ts).
import { maxWeightAssignment } from './hungarian.js';
import { SEGMENTATION_PROTOCOLS, type SegmentationProtocol, isSegmentationProtocol } from '../../../contracts/enums.js';

/** Scores of one protocol over everything added so far. `miou` / `pixel_accuracy` are NaN when nothing was labelled. */
export interface SegmentationResult {
  miou: number;
  pixel_accuracy: number;
  protocol: SegmentationProtocol;
  /** K: ground-truth labels 0..K-1 are classes, anything else is ignored. */
  classes: number;
}

export interface SegmentationScorerOptions {
  protocol: SegmentationProtocol;
  /** K, the number of ground-truth classes. */
  numClasses: number;
  /**
   * dataset-hungarian only: the clusters are exactly the ids 0..numClusters-1 (STEGO's n_classes +
   * extra_clusters), so clusters that never fall on a labelled pixel still take part in the assignment.
   * Without it the clusters are the ids seen on labelled pixels.
   */
  numClusters?: number;
}

type IntegerArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Uint8ClampedArray;

function holdsOnlyIntegers(a: ArrayLike<number>): a is IntegerArray {
  return (
    a instanceof Uint8Array ||
    a instanceof Int8Array ||
    a instanceof Uint16Array ||
    a instanceof Int16Array ||
    a instanceof Uint32Array ||
    a instanceof Int32Array ||
    a instanceof Uint8ClampedArray
  );
}

/** Above this many dense (id range × K) cells an image's confusion is kept in a Map instead. */
const DENSE_CELL_LIMIT = 1 << 22;

/** One image's prediction-id × class overlap over its labelled pixels. */
interface ImageConfusion {
  /** Distinct prediction ids found on labelled pixels, ascending. */
  ids: number[];
  /** `counts[s * K + c]`: labelled pixels of class c predicted as `ids[s]`. */
  counts: Float64Array;
  labelled: number;
}

function imageConfusion(gt: ArrayLike<number>, pred: ArrayLike<number>, k: number): ImageConfusion {
  const checkGt = !holdsOnlyIntegers(gt);
  const checkPred = !holdsOnlyIntegers(pred);
  let min = Infinity;
  let max = -Infinity;
  let labelled = 0;
  for (let p = 0; p < gt.length; p++) {
    const g = gt[p];
    if (checkGt && !Number.isInteger(g)) throw new RangeError(`ground-truth label at pixel ${p} is not an integer: ${g}`);
    if (g < 0 || g >= k) continue;
    const q = pred[p];
    if (checkPred && !Number.isSafeInteger(q)) throw new RangeError(`prediction at pixel ${p} is not an integer: ${q}`);
    if (q < min) min = q;
    if (q > max) max = q;
    labelled++;
  }
  if (labelled === 0) return { ids: [], counts: new Float64Array(0), labelled: 0 };

  const span = max - min + 1;
  if (span * k <= DENSE_CELL_LIMIT) {
    const dense = new Float64Array(span * k);
    for (let p = 0; p < gt.length; p++) {
      const g = gt[p];
      if (g < 0 || g >= k) continue;
      dense[(pred[p] - min) * k + g]++;
    }
    const ids: number[] = [];
    const rows: number[] = [];
    for (let s = 0; s < span; s++) {
      let total = 0;
      for (let c = 0; c < k; c++) total += dense[s * k + c];
      if (total > 0) {
        ids.push(s + min);
        rows.push(s);
      }
    }
    const counts = new Float64Array(ids.length * k);
    rows.forEach((s, t) => counts.set(dense.subarray(s * k, (s + 1) * k), t * k));
    return { ids, counts, labelled };
  }

  const byId = new Map<number, Float64Array>();
  for (let p = 0; p < gt.length; p++) {
    const g = gt[p];
    if (g < 0 || g >= k) continue;
    let row = byId.get(pred[p]);
    if (!row) byId.set(pred[p], (row = new Float64Array(k)));
    row[g]++;
  }
  const ids = [...byId.keys()].sort((a, b) => a - b);
  const counts = new Float64Array(ids.length * k);
  ids.forEach((id, t) => counts.set(byId.get(id)!, t * k));
  return { ids, counts, labelled };
}

function finish(
  tp: Float64Array,
  fp: Float64Array,
  fn: Float64Array,
  labelled: number,
  protocol: SegmentationProtocol,
): SegmentationResult {
  let iouSum = 0;
  let counted = 0;
  let tpSum = 0;
  for (let c = 0; c < tp.length; c++) {
    tpSum += tp[c];
    const denominator = tp[c] + fp[c] + fn[c];
    if (denominator > 0) {
      iouSum += tp[c] / denominator;
      counted++;
    }
  }
  return {
    miou: counted > 0 ? iouSum / counted : NaN,
    pixel_accuracy: labelled > 0 ? tpSum / labelled : NaN,
    protocol,
    classes: tp.length,
  };
}

/**
 * Accumulates segmentation scores image by image under one matching protocol; `result()` may be called at
 * any time and again after more images are added.
 */
export class SegmentationScorer {
  readonly protocol: SegmentationProtocol;
  readonly numClasses: number;
  readonly numClusters: number | undefined;

  // per-image-hungarian: running TP / FP / FN per class.
  private readonly tp: Float64Array;
  private readonly fp: Float64Array;
  private readonly fn: Float64Array;
  // dataset-hungarian: cluster × class confusion, dense when numClusters is known.
  private readonly denseConfusion: Float64Array | undefined;
  private readonly sparseConfusion = new Map<number, Float64Array>();
  private labelled = 0;

  constructor(options: SegmentationScorerOptions) {
    const { protocol, numClasses, numClusters } = options;
    if (!isSegmentationProtocol(protocol)) {
      throw new RangeError(`unknown protocol '${String(protocol)}'; expected one of ${SEGMENTATION_PROTOCOLS.join(', ')}`);
    }
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new RangeError(`numClasses must be a positive integer, got ${numClasses}`);
    }
    if (numClusters !== undefined) {
      if (protocol !== 'dataset-hungarian') throw new RangeError('numClusters applies to dataset-hungarian only');
      if (!Number.isInteger(numClusters) || numClusters < 1) {
        throw new RangeError(`numClusters must be a positive integer, got ${numClusters}`);
      }
    }
    this.protocol = protocol;
    this.numClasses = numClasses;
    this.numClusters = numClusters;
    this.tp = new Float64Array(numClasses);
    this.fp = new Float64Array(numClasses);
    this.fn = new Float64Array(numClasses);
    this.denseConfusion = numClusters === undefined ? undefined : new Float64Array(numClusters * numClasses);
  }

  /**
   * Adds one image: `gt` and `pred` are row-major `height × width` integer maps. Ground-truth labels outside
   * [0, K) are ignored; prediction ids are arbitrary integers (cluster or segment ids).
   */
  add(gt: ArrayLike<number>, pred: ArrayLike<number>, height: number, width: number): void {
    if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) {
      throw new RangeError(`image size must be non-negative integers, got ${height}×${width}`);
    }
    const n = height * width;
    if (gt.length !== n || pred.length !== n) {
      throw new RangeError(`expected ${height}×${width} = ${n} pixels, got gt ${gt.length} and pred ${pred.length}`);
    }
    const confusion = imageConfusion(gt, pred, this.numClasses);
    if (this.protocol === 'per-image-hungarian') this.addPerImage(confusion);
    else this.addToDataset(confusion);
    this.labelled += confusion.labelled;
  }

  result(): SegmentationResult {
    if (this.protocol === 'per-image-hungarian') {
      return finish(this.tp, this.fp, this.fn, this.labelled, this.protocol);
    }
    return this.datasetResult();
  }

  private addPerImage({ ids, counts }: ImageConfusion): void {
    const k = this.numClasses;
    const classTotal = new Float64Array(k);
    const segmentTotal = new Float64Array(ids.length);
    for (let s = 0; s < ids.length; s++) {
      for (let c = 0; c < k; c++) {
        classTotal[c] += counts[s * k + c];
        segmentTotal[s] += counts[s * k + c];
      }
    }
    const present: number[] = [];
    for (let c = 0; c < k; c++) if (classTotal[c] > 0) present.push(c);

    const weights = new Float64Array(present.length * ids.length);
    present.forEach((c, r) => {
      for (let s = 0; s < ids.length; s++) weights[r * ids.length + s] = counts[s * k + c];
    });
    const { rows, cols } = maxWeightAssignment(weights, present.length, ids.length);

    const matchedOverlap = new Float64Array(k);
    for (let t = 0; t < rows.length; t++) {
      const c = present[rows[t]];
      const s = cols[t];
      const overlap = counts[s * k + c];
      matchedOverlap[c] = overlap;
      this.tp[c] += overlap;
      this.fp[c] += segmentTotal[s] - overlap;
    }
    for (const c of present) this.fn[c] += classTotal[c] - matchedOverlap[c];
  }

  private addToDataset({ ids, counts }: ImageConfusion): void {
    const k = this.numClasses;
    const limit = this.numClusters;
    const outside = limit === undefined ? undefined : ids.find((id) => id < 0 || id >= limit);
    if (outside !== undefined) {
      throw new RangeError(`cluster id ${outside} outside [0, ${this.numClusters}) on a labelled pixel`);
    }
    ids.forEach((id, s) => {
      const row = counts.subarray(s * k, (s + 1) * k);
      if (this.denseConfusion) {
        const target = this.denseConfusion.subarray(id * k, (id + 1) * k);
        for (let c = 0; c < k; c++) target[c] += row[c];
      } else {
        let target = this.sparseConfusion.get(id);
        if (!target) this.sparseConfusion.set(id, (target = new Float64Array(k)));
        for (let c = 0; c < k; c++) target[c] += row[c];
      }
    });
  }

  private datasetResult(): SegmentationResult {
    const k = this.numClasses;
    let confusion: Float64Array;
    let nClusters: number;
    if (this.denseConfusion) {
      confusion = this.denseConfusion;
      nClusters = this.numClusters!;
    } else {
      const ids = [...this.sparseConfusion.keys()].sort((a, b) => a - b);
      nClusters = ids.length;
      confusion = new Float64Array(nClusters * k);
      ids.forEach((id, s) => confusion.set(this.sparseConfusion.get(id)!, s * k));
    }

    const tp = new Float64Array(k);
    const fp = new Float64Array(k);
    const fn = new Float64Array(k);
    const classTotal = new Float64Array(k);
    for (let s = 0; s < nClusters; s++) for (let c = 0; c < k; c++) classTotal[c] += confusion[s * k + c];

    const { rows, cols } = maxWeightAssignment(confusion, nClusters, k);
    for (let t = 0; t < rows.length; t++) {
      const s = rows[t];
      const c = cols[t];
      let clusterTotal = 0;
      for (let cc = 0; cc < k; cc++) clusterTotal += confusion[s * k + cc];
      tp[c] = confusion[s * k + c];
      fp[c] = clusterTotal - tp[c];
    }
    for (let c = 0; c < k; c++) fn[c] = classTotal[c] - tp[c];
    return finish(tp, fp, fn, this.labelled, this.protocol);
  }
}

/**
 * Scores a whole stack at once: `gt` and `pred` are row-major `[n, height, width]`. Equivalent to adding each
 * image to a {@link SegmentationScorer} in order.
 */
export function scoreSegmentation(
  gt: ArrayLike<number>,
  pred: ArrayLike<number>,
  shape: readonly [n: number, height: number, width: number],
  options: SegmentationScorerOptions,
): SegmentationResult {
  const [n, height, width] = shape;
  const size = height * width;
  if (gt.length !== n * size || pred.length !== n * size) {
    throw new RangeError(`expected ${n}×${height}×${width} values, got gt ${gt.length} and pred ${pred.length}`);
  }
  const scorer = new SegmentationScorer(options);
  for (let i = 0; i < n; i++) {
    scorer.add(slice(gt, i * size, (i + 1) * size), slice(pred, i * size, (i + 1) * size), height, width);
  }
  return scorer.result();
}

/** A view for typed arrays (no copy), a copy for plain arrays. */
function slice(a: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  const { subarray } = a as { subarray?: (start: number, end: number) => ArrayLike<number> };
  return typeof subarray === 'function' ? subarray.call(a, start, end) : Array.prototype.slice.call(a, start, end);
}
