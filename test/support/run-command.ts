import { Command } from 'commander';
import { vi } from 'vitest';

/**
 * Runs one registered command in-process, as `genbench <name> …args` would, and returns what it wrote to
 * stdout (for command specs).
 */
export async function runCommand(register: (program: Command) => void, name: string, ...args: string[]): Promise<string> {
  const program = new Command('genbench').exitOverride();
  register(program);
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync([name, ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}
