// `genbench inputs <suite> --out inputs.npz`: an image-conditioned suite's published inputs, the same file as
// GET /api/suites/:id/inputs (conditions/suite-inputs.ts): `arr_0` uint8 [N, m, m, 3] and `arr_1` float32
// [N, 3, m, m], so a team can run its model locally: output i of the uploaded `arr_0` must answer input i.

import type { Command } from 'commander';
import { SUITES, findSuite } from '../../../../benchmarks/index.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { isImageConditionedSuite } from '../../../../contracts/suites/image-conditioned-suite.schemas.js';
import { suiteInputs, writeSuiteInputs } from '../../conditions/suite-inputs.js';
import { MissingAssetError } from '../../assets/assets.js';
import { EvaluationFailure } from '../../evaluation/evaluation-failure.js';
import { CliError } from '../cli-error.js';

export function register(program: Command): void {
  program
    .command('inputs')
    .description("write an image-conditioned suite's inputs as an ADM-style npz: output i of a sample batch answers input i")
    .argument('<suite>', 'suite id, e.g. smoke-sr4-32')
    .requiredOption('--out <file>', 'the .npz to write')
    .action(async (suiteId: string, opts: { out: string }) => {
      const suite = findSuite(suiteId);
      if (!suite || !isImageConditionedSuite(suite))
        throw new CliError(
          `suite '${suiteId}' publishes no inputs (suites with inputs: ${SUITES.filter(isImageConditionedSuite)
            .map((s) => s.id)
            .join(', ')})`,
        );
      let count: number;
      try {
        const inputs = await suiteInputs(suite, loadAssetDirs(process.env));
        count = inputs.count;
        await writeSuiteInputs(opts.out, inputs);
      } catch (err) {
        if (err instanceof EvaluationFailure || err instanceof MissingAssetError) throw new CliError(err.message, 1, { cause: err });
        throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`, 2, { cause: err });
      }
      process.stderr.write(`wrote ${count} inputs of ${suiteId} to ${opts.out}\n`);
    });
}
