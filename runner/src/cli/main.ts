import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import * as evaluate from './commands/evaluate.command.js';
import * as exportInception from './commands/export-inception.command.js';
import * as features from './commands/features.command.js';
import * as imageMetrics from './commands/image-metrics.command.js';
import * as inputs from './commands/inputs.command.js';
import * as metrics from './commands/metrics.command.js';
import * as prepareBatch from './commands/prepare-batch.command.js';
import * as prepareCaptions from './commands/prepare-captions.command.js';
import * as prompts from './commands/prompts.command.js';
import * as segScore from './commands/seg-score.command.js';
import * as submit from './commands/submit.command.js';

// One file per command under ./commands; each exports `register(program)`.
const program = new Command('genbench').description('Benchmark harness for visual generative models').showHelpAfterError().exitOverride();

const commands: Array<{ register(program: Command): void }> = [evaluate, segScore, features, metrics, prompts, exportInception];
commands.push(imageMetrics, inputs, prepareBatch, prepareCaptions, submit);
commands.push(await import('./commands/sample.command.js'));
for (const c of commands) c.register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliError) {
    process.stderr.write(`genbench: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  throw err;
}
