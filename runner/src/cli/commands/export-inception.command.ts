// `genbench export-inception`: converts TF's inception-2015-12-05 `classify_image_graph_def.pb` (the graph
// ADM's evaluator downloads) into the ONNX extractor the ImageNet suites expect
// (runner/src/onnx/tensorflow/fid-inception-export.ts says what it takes and returns), offline.

import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { exportFidInception } from '../../onnx/tensorflow/fid-inception-export.js';
import { TfConversionError } from '../../onnx/tensorflow/graph-def-to-onnx.js';
import { GraphDefError } from '../../onnx/tensorflow/graph-def.js';
import { CliError } from '../cli-error.js';

export interface ExportInceptionOptions {
  pb: string;
  out: string;
}

export interface ExportInceptionResult {
  bytes: number;
  sha256: string;
}

/** Converts and writes the model; every user error is a CliError. */
export async function exportInception(options: ExportInceptionOptions): Promise<ExportInceptionResult> {
  let pb: Buffer;
  try {
    pb = await readFile(options.pb);
  } catch (err) {
    throw new CliError(`cannot read ${options.pb}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, { cause: err });
  }
  let model: Uint8Array;
  try {
    model = exportFidInception(new Uint8Array(pb.buffer, pb.byteOffset, pb.byteLength));
  } catch (err) {
    if (err instanceof GraphDefError || err instanceof TfConversionError)
      throw new CliError(`${options.pb}: ${err.message}`, 2, { cause: err });
    throw err;
  }
  // Written next to the target and renamed, so an interrupted run never leaves a partial model behind.
  const partial = `${options.out}.partial-${process.pid}`;
  try {
    await writeFile(partial, model);
    await rename(partial, options.out);
  } catch (err) {
    await rm(partial, { force: true });
    throw new CliError(`cannot write ${options.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, { cause: err });
  }
  return { bytes: model.length, sha256: createHash('sha256').update(model).digest('hex') };
}

export function register(program: Command): void {
  program
    .command('export-inception')
    .description("convert TF's inception-2015-12-05 classify_image_graph_def.pb to the ONNX FID Inception the ImageNet suites use")
    .requiredOption('--pb <file>', 'classify_image_graph_def.pb (inception-2015-12-05, as downloaded by ADM evaluations/evaluator.py)')
    .requiredOption('--out <file>', 'ONNX file to write (the suites look for inception-2015-12-05.onnx in $GENBENCH_MODELS_DIR)')
    .action(async (opts: ExportInceptionOptions) => {
      const result = await exportInception(opts);
      process.stdout.write(
        `wrote ${opts.out} (${result.bytes} bytes)\nsha256 ${result.sha256}\n` +
          'Pin it as FID_INCEPTION_ONNX_SHA256 in benchmarks/imagenet/adm-assets.ts only after checking that ' +
          "`genbench features` with it matches ADM's evaluator.py (pool_3, spatial, Inception Score) on the same images.\n",
      );
    });
}
