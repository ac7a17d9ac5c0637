// The evaluation transform of STEGO (src/utils.py `get_transform(res, is_label, "center")`):
// torchvision `Resize(res, NEAREST)` — the shorter side becomes res, the longer int(res · long / short) — then
// `CenterCrop(res)`, for images and labels alike. On PIL images NEAREST is Pillow's `ImagingScaleAffine`
// (Geometry.c): source index = trunc(x₀ + ½·s), advanced by s = in/out per output pixel in float64. The centre
// crop's offset is Python's round((size − res) / 2), which rounds halves to even.

/** Source index of every output index of a Pillow NEAREST resize from `inSize` to `outSize`. */
export function pilNearestIndices(inSize: number, outSize: number): Int32Array {
  if (!Number.isSafeInteger(inSize) || !Number.isSafeInteger(outSize) || inSize < 1 || outSize < 1) {
    throw new RangeError(`sizes must be positive integers, got ${inSize} → ${outSize}`);
  }
  const scale = inSize / outSize;
  const out = new Int32Array(outSize);
  // Accumulated, not multiplied, as Pillow does: the two differ by an ulp at some boundaries.
  let position = scale * 0.5;
  for (let o = 0; o < outSize; o++) {
    out[o] = Math.min(inSize - 1, Math.trunc(position));
    position += scale;
  }
  return out;
}

type Pixels = Uint8Array | Int32Array;

/** Nearest-neighbour resize of row-major `height × width × channels` pixels (Pillow's NEAREST). */
export function resizeNearest<T extends Pixels>(
  src: T,
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number,
): T {
  if (src.length !== height * width * channels) {
    throw new RangeError(`expected ${height}×${width}×${channels} = ${height * width * channels} values, got ${src.length}`);
  }
  const ys = pilNearestIndices(height, outHeight);
  const xs = pilNearestIndices(width, outWidth);
  const out = new (src.constructor as new (n: number) => T)(outHeight * outWidth * channels);
  for (let y = 0; y < outHeight; y++) {
    const row = ys[y]! * width;
    for (let x = 0; x < outWidth; x++) {
      const from = (row + xs[x]!) * channels;
      const to = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = src[from + c]!;
    }
  }
  return out;
}

/** torchvision's size for `Resize(size)` with an int: the shorter side becomes `size`, the aspect ratio is kept. */
export function shortSideSize(height: number, width: number, size: number): { height: number; width: number } {
  if (width <= height) return { width: size, height: Math.trunc((size * height) / width) };
  return { height: size, width: Math.trunc((size * width) / height) };
}

/** Python 3 `round` (halves to even) of a non-negative multiple of ½. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** torchvision `CenterCrop(size)` offsets: round((H − size)/2), round((W − size)/2). */
export function centerCropOffsets(height: number, width: number, size: number): { top: number; left: number } {
  if (height < size || width < size) throw new RangeError(`cannot centre-crop ${size}×${size} from ${height}×${width}`);
  return { top: roundHalfEven((height - size) / 2), left: roundHalfEven((width - size) / 2) };
}

/** STEGO's evaluation transform: shorter side to `size` by Pillow NEAREST, then the centre `size × size`. */
export function resizeShortSideCenterCrop<T extends Pixels>(src: T, height: number, width: number, channels: number, size: number): T {
  const resized = shortSideSize(height, width, size);
  const scaled =
    resized.height === height && resized.width === width ? src : resizeNearest(src, height, width, channels, resized.height, resized.width);
  const { top, left } = centerCropOffsets(resized.height, resized.width, size);
  const out = new (src.constructor as new (n: number) => T)(size * size * channels);
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * resized.width + left) * channels;
    out.set(scaled.subarray(from, from + size * channels), y * size * channels);
  }
  return out;
}
