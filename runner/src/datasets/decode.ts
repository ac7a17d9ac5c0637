import sharp from 'sharp';
import { DatasetError } from './dataset-error.js';

export interface DecodedImage {
  data: Uint8Array;
  height: number;
  width: number;
}

/**
 * An image file as 8-bit RGB, row-major `height × width × 3`, as PIL's `Image.open(p).convert("RGB")` gives it:
 * alpha dropped, greyscale expanded, and the embedded ICC profile ignored (PIL does not apply it). JPEG
 * decoders may differ from libjpeg-turbo under PIL by ±1 on some pixels.
 */
export async function decodeRgb(path: string): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(path, { ignoreIcc: true, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new DatasetError(`${path} decoded to ${info.channels} channels, expected RGB`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width };
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`cannot decode image ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A label PNG as its raw 8-bit values, row-major `height × width`. Only single-channel 8-bit files are label
 * maps (COCO-Stuff stuffthingmaps, Cityscapes labelIds): a palette or colour PNG would decode to colours, not
 * ids, and is refused.
 */
export async function decodeLabel(path: string): Promise<DecodedImage> {
  try {
    const meta = await sharp(path).metadata();
    if (meta.isPalette || meta.channels !== 1 || meta.depth !== 'uchar') {
      throw new DatasetError(
        `${path} is not a single-channel 8-bit label map (it has ${meta.channels} channel(s), depth ${meta.depth}${meta.isPalette ? ', a palette' : ''})`,
      );
    }
    const { data, info } = await sharp(path, { failOn: 'error' }).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width };
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`cannot decode label map ${path}: ${(err as Error).message}`, { cause: err });
  }
}
