// `genbench image-metrics`: PSNR and SSIM of an output batch against its target batch, both ADM-style
// (`arr_0` uint8 [N, H, W, 3]), image i against image i (runner/src/metrics/image-fidelity.ts).

import type { Command } from 'commander';
import { AdmBatchError, ADM_IMAGES, requireAdmImages } from '../../io/adm-batch.js';
import { ArrayFileError } from '../../io/array-file-error.js';
import { openNpz } from '../../io/npz.js';
import { imageFidelity, type ImageFidelityResult, type RgbBatch } from '../../metrics/image-fidelity.js';
import { MetricInputError } from '../../metrics/metric-input-error.js';
import { CliError } from '../cli-error.js';

export interface ImageMetricsOptions {
  pred: string;
  target: string;
  json?: boolean;
}

async function loadBatch(file: string): Promise<RgbBatch> {
  const reader = await openNpz(file);
  try {
    const { count, resolution } = requireAdmImages(reader, file);
    const a = await reader.read(ADM_IMAGES);
    return { data: a.data as Uint8Array, count, height: resolution, width: resolution };
  } finally {
    await reader.close();
  }
}

/** PSNR and SSIM of `--pred` against `--target`; unreadable or mismatched batches become a CliError. */
export async function runImageMetrics(opts: ImageMetricsOptions): Promise<ImageFidelityResult> {
  try {
    const pred = await loadBatch(opts.pred);
    const target = await loadBatch(opts.target);
    try {
      return imageFidelity(pred, target);
    } catch (err) {
      if (err instanceof MetricInputError) throw new MetricInputError(`${opts.pred} against ${opts.target}: ${err.message}`);
      throw err;
    }
  } catch (err) {
    if (err instanceof MetricInputError || err instanceof AdmBatchError || err instanceof ArrayFileError)
      throw new CliError(err.message, 2, { cause: err });
    throw err;
  }
}

export function register(program: Command): void {
  program
    .command('image-metrics')
    .description('PSNR and SSIM (scikit-image protocol, data range 255) of output images against their targets, per image and averaged')
    .requiredOption('--pred <file>', 'output batch .npz: arr_0 uint8 [N, H, W, 3]')
    .requiredOption('--target <file>', 'target batch .npz: arr_0 uint8 [N, H, W, 3], image i the target of output i')
    .option('--json', 'print one JSON object on stdout')
    .action(async (opts: ImageMetricsOptions) => {
      const r = await runImageMetrics(opts);
      if (opts.json) process.stdout.write(JSON.stringify({ psnr: r.psnr, ssim: r.ssim, images: r.psnrPerImage.length }) + '\n');
      else
        process.stdout.write(
          `psnr  ${r.psnr.toFixed(6).padStart(12)} dB  ↑\nssim  ${r.ssim.toFixed(6).padStart(12)}     ↑\nimages ${r.psnrPerImage.length}\n`,
        );
    });
}
