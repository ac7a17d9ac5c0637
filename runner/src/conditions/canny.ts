// Canny edge maps as ControlNet's annotator computes them: OpenCV's `cv2.Canny(cv2.cvtColor(rgb,
// COLOR_RGB2GRAY), 100, 200)` (aperture 3, L2gradient false), re-implemented from OpenCV 4.x's
// imgproc/src/canny.cpp so the harness owns the control maps every model sees:
// - grayscale as cvtColor does for uint8 in OpenCV 4.x: (9798·R + 19235·G + 3735·B + 2¹⁴) >> 15 (BT.601 in Q15);
// - 3×3 Sobel dx, dy in int16 with BORDER_REPLICATE; gradient magnitude |dx| + |dy| (L1, OpenCV's default);
// - non-maximum suppression in OpenCV's integer sectors (tan 22.5° in Q15 = 13573): horizontal when
//   |dy|·2¹⁵ < |dx|·TG22, vertical when above tan 67.5°, else the diagonal given by the signs; a pixel is kept
//   when its magnitude exceeds `low` and beats its two neighbours across the edge (strictly on the
//   previous/left side, ≥ on the next/right side, strictly on both for diagonals), magnitudes outside the
//   image counting 0;
// - hysteresis: kept pixels above `high` seed edges that grow through 8-connected kept pixels.
// Thresholds are compared as integers (cvFloor of the given values), as OpenCV does for L1 gradients.
// OpenCV builds with IPP may take IPP's Canny, which can differ at the borders; the tests require agreement on
// ≥ 99.5% of pixels with OpenCV 4.6 (Debian's build) and measure it exactly.

export const CANNY_LOW = 100;
export const CANNY_HIGH = 200;

/** cvtColor(COLOR_RGB2GRAY) of one uint8 RGB image (HWC), OpenCV's fixed-point rounding. */
export function rgbToGray(rgb: Uint8Array, height: number, width: number, offset = 0): Uint8Array {
  const gray = new Uint8Array(height * width);
  for (let p = 0; p < gray.length; p++) {
    const i = offset + p * 3;
    gray[p] = (rgb[i] * 9798 + rgb[i + 1] * 19235 + rgb[i + 2] * 3735 + (1 << 14)) >> 15;
  }
  return gray;
}

// OpenCV: (int)(0.4142135623730950488016887242097 * (1 << 15) + 0.5), tan 22.5° in Q15
const TG22 = 13573;

/** `cv2.Canny(gray, low, high)` with aperture 3 and the L1 gradient, as 0/1 per pixel. */
export function canny(gray: Uint8Array, height: number, width: number, low = CANNY_LOW, high = CANNY_HIGH): Uint8Array {
  const lo = Math.floor(low);
  const hi = Math.floor(high);
  const h = height;
  const w = width;
  const at = (y: number, x: number) => gray[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  const dx = new Int32Array(h * w);
  const dy = new Int32Array(h * w);
  // magnitudes with a zero frame: (h + 2) × (w + 2)
  const W = w + 2;
  const mag = new Int32Array((h + 2) * W);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = at(y - 1, x + 1) - at(y - 1, x - 1) + 2 * (at(y, x + 1) - at(y, x - 1)) + at(y + 1, x + 1) - at(y + 1, x - 1);
      const gy = at(y + 1, x - 1) - at(y - 1, x - 1) + 2 * (at(y + 1, x) - at(y - 1, x)) + at(y + 1, x + 1) - at(y - 1, x + 1);
      dx[y * w + x] = gx;
      dy[y * w + x] = gy;
      mag[(y + 1) * W + x + 1] = Math.abs(gx) + Math.abs(gy);
    }
  }
  // 0: not an edge, 1: kept by non-maximum suppression (weak), 2: edge
  const map = new Uint8Array(h * w);
  const stack: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = (y + 1) * W + x + 1;
      const m = mag[j];
      if (m <= lo) continue;
      const xs = dx[y * w + x];
      const ys = dy[y * w + x];
      const ax = Math.abs(xs);
      const ay = Math.abs(ys) * (1 << 15);
      const tg22x = ax * TG22;
      let keep: boolean;
      if (ay < tg22x) {
        keep = m > mag[j - 1] && m >= mag[j + 1];
      } else {
        const tg67x = tg22x + ax * (1 << 16);
        if (ay > tg67x) keep = m > mag[j - W] && m >= mag[j + W];
        else {
          const s = xs < 0 !== ys < 0 ? -1 : 1;
          keep = m > mag[j - W - s] && m > mag[j + W + s];
        }
      }
      if (!keep) continue;
      if (m > hi) {
        map[y * w + x] = 2;
        stack.push(y * w + x);
      } else map[y * w + x] = 1;
    }
  }
  while (stack.length > 0) {
    const p = stack.pop()!;
    const y = Math.floor(p / w);
    const x = p - y * w;
    for (let oy = -1; oy <= 1; oy++) {
      for (let ox = -1; ox <= 1; ox++) {
        const ny = y + oy;
        const nx = x + ox;
        if (ny < 0 || ny >= h || nx < 0 || nx >= w) continue;
        const q = ny * w + nx;
        if (map[q] === 1) {
          map[q] = 2;
          stack.push(q);
        }
      }
    }
  }
  const edges = new Uint8Array(h * w);
  for (let p = 0; p < edges.length; p++) edges[p] = map[p] === 2 ? 1 : 0;
  return edges;
}
