// `genbench prompts <suite> [--out prompts.jsonl]`: a text-to-image suite's published prompt list, one JSON
// object per line ({"index": i, "prompt": "…"}), so a team can generate the sample batch locally: image i of
// the uploaded `arr_0` must answer prompt i.

import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PROMPT_SUITES, findPromptSuite } from '../../../../benchmarks/prompts/index.js';
import { CliError } from '../cli-error.js';

/** The JSON Lines text of a suite's prompts; CliError for a suite that publishes none. */
export function promptsJsonl(suiteId: string): { text: string; count: number } {
  const suite = findPromptSuite(suiteId);
  if (!suite)
    throw new CliError(`suite '${suiteId}' publishes no prompts (suites with prompts: ${PROMPT_SUITES.map((s) => s.id).join(', ')})`);
  const prompts = suite.prompts();
  if (prompts.length === 0) throw new CliError(`suite '${suiteId}' has an empty prompt list`);
  return { text: prompts.map((prompt, index) => JSON.stringify({ index, prompt })).join('\n') + '\n', count: prompts.length };
}

export function register(program: Command): void {
  program
    .command('prompts')
    .description("write a text-to-image suite's prompts as JSON Lines: image i of a sample batch answers prompt i")
    .argument('<suite>', 'suite id, e.g. smoke-t2i-32')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (suiteId: string, opts: { out?: string }) => {
      const { text, count } = promptsJsonl(suiteId);
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      try {
        await writeFile(opts.out, text);
      } catch (err) {
        throw new CliError(`cannot write ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2, { cause: err });
      }
      process.stderr.write(`wrote ${count} prompts of ${suiteId} to ${opts.out}\n`);
    });
}
