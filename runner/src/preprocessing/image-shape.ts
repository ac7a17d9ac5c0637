/** The layout of a batch of images stored NHWC (row-major, channels last). */
export interface ImageShape {
  count: number;
  height: number;
  width: number;
  channels: number;
}

export function checkImageBuffer(what: string, data: ArrayLike<number>, shape: ImageShape): void {
  const { count, height, width, channels } = shape;
  for (const [name, v] of Object.entries({ count, height, width, channels })) {
    if (!Number.isSafeInteger(v) || v < (name === 'count' ? 0 : 1))
      throw new RangeError(`${what}: ${name} must be a positive integer, got ${v}`);
  }
  const need = count * height * width * channels;
  if (data.length < need) {
    throw new RangeError(`${what}: ${count}×${height}×${width}×${channels} images need ${need} values, got ${data.length}`);
  }
}

export function checkOutputSize(what: string, height: number, width: number): void {
  if (!Number.isSafeInteger(height) || !Number.isSafeInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`${what}: output size must be positive integers, got ${height}×${width}`);
  }
}
