// `genbench image-metrics`: PSNR and SSIM of an output batch against its target batch, both ADM-style
// (`arr_0` uint8 [N, H, W, 3]), image i against image i (runner/src/metrics/image-fidelity.ts); with
// `--lpips <manifest>` also LPIPS (runner/src/metrics/lpips.ts, lpips-network.ts).

import type { Command } from 'commander';
import { AdmBatchError, ADM_IMAGES, requireAdmImages } from '../../io/adm-batch.js';
import { ArrayFileError } from '../../io/array-file-error.js';
import { openNpz } from '../../io/npz.js';
import { canny, rgbToGray } from '../../conditions/canny.js';
import { edgeF1 } from '../../metrics/edge-f1.js';
import { imageFidelity, type ImageFidelityResult, type RgbBatch } from '../../metrics/image-fidelity.js';
import { LpipsConfigError, LpipsNetwork } from '../../metrics/lpips-network.js';
import { MetricInputError } from '../../metrics/metric-input-error.js';
import { CliError } from '../cli-error.js';

export interface ImageMetricsOptions {
  pred: string;
  target: string;
  json?: boolean;
  edges?: boolean;
  /** An LPIPS manifest (contracts/manifest/lpips-manifest.schemas.ts). */
  lpips?: string;
}

export interface ImageMetricsReport extends ImageFidelityResult {
  /** With `--edges`: F1 of each output's Canny map against its target's, averaged. */
  edge_f1?: number;
  /** With `--lpips`: LPIPS of each output against its target, averaged. */
  lpips?: number;
}

/** The Canny maps (OpenCV Canny(gray, 100, 200)) of every image of a batch, concatenated. */
function cannyMaps(b: RgbBatch): Uint8Array {
  const pixels = b.height * b.width;
  const maps = new Uint8Array(b.count * pixels);
  for (let i = 0; i < b.count; i++) maps.set(canny(rgbToGray(b.data, b.height, b.width, i * pixels * 3), b.height, b.width), i * pixels);
  return maps;
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
export async function runImageMetrics(opts: ImageMetricsOptions): Promise<ImageMetricsReport> {
  try {
    const pred = await loadBatch(opts.pred);
    const target = await loadBatch(opts.target);
    try {
      const report: ImageMetricsReport = imageFidelity(pred, target);
      if (opts.edges) report.edge_f1 = edgeF1(cannyMaps(pred), cannyMaps(target), pred.count, pred.height * pred.width).edge_f1;
      if (opts.lpips !== undefined) {
        const network = await LpipsNetwork.open(opts.lpips);
        try {
          const d = await network.distances(pred, target);
          report.lpips = d.reduce((a, b) => a + b, 0) / d.length;
        } finally {
          await network.close();
        }
      }
      return report;
    } catch (err) {
      if (err instanceof MetricInputError) throw new MetricInputError(`${opts.pred} against ${opts.target}: ${err.message}`);
      throw err;
    }
  } catch (err) {
    if (err instanceof MetricInputError || err instanceof AdmBatchError || err instanceof ArrayFileError || err instanceof LpipsConfigError)
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
    .option('--edges', "also edge F1: each output's Canny map (OpenCV Canny(gray, 100, 200)) against its target's")
    .option(
      '--lpips <manifest>',
      'also LPIPS (Zhang et al. 2018) with the network and lin weights the manifest names (scripts/export_lpips.py)',
    )
    .action(async (opts: ImageMetricsOptions) => {
      const r = await runImageMetrics(opts);
      if (opts.json)
        process.stdout.write(
          JSON.stringify({ psnr: r.psnr, ssim: r.ssim, edge_f1: r.edge_f1, lpips: r.lpips, images: r.psnrPerImage.length }) + '\n',
        );
      else
        process.stdout.write(
          `psnr  ${r.psnr.toFixed(6).padStart(12)} dB  ↑\nssim  ${r.ssim.toFixed(6).padStart(12)}     ↑\n` +
            (r.lpips !== undefined ? `lpips ${r.lpips.toFixed(6).padStart(12)}     ↓\n` : '') +
            `images ${r.psnrPerImage.length}\n`,
        );
    });
}
