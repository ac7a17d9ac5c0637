// `npm run token` as a newcomer runs it: help, mistakes and an unreachable database end in a message and
// the usage, never a stack trace.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

async function token(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(TSX, [join(ROOT, 'scripts/create-token.ts'), ...args], { env: { ...process.env, ...env } });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const NO_STACK = /\n\s+at /;

describe('npm run token', () => {
  it('--help prints the usage with the DATABASE_URL the token would go to, exit code 0', async () => {
    const url = 'postgresql://postgres@127.0.0.1:5432/genbench_help_check';
    for (const flag of ['--help', '-h']) {
      const r = await token([flag], { DATABASE_URL: url });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: npm run token -- --role submitter\|admin\|runner --owner NAME/);
      expect(r.stdout).toContain(`DATABASE_URL=${url} npm run token -- --role admin --owner me`);
      expect(r.stderr).toBe('');
    }
  });

  it('names what is wrong, then the usage, exit code 2: unknown option, missing or bad role, missing owner, bad expiry', async () => {
    const cases: Array<[string[], string]> = [
      [['--bogus'], "Unknown option '--bogus'"],
      [['--owner', 'me'], '--role is required'],
      [['--role', 'root', '--owner', 'me'], '--role must be submitter, admin or runner, not "root"'],
      [['--role', 'admin'], '--owner is required'],
      [['--role', 'admin', '--owner', 'me', '--expires-days', 'soon'], '--expires-days must be a positive number, not "soon"'],
    ];
    const results = await Promise.all(cases.map(([args]) => token(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(message);
      expect(r.stderr).toContain('usage: npm run token');
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(r.stdout).toBe('');
    }
  });

  it('an unreachable database is named with its URL and what to check, exit code 1', async () => {
    const url = 'postgresql://postgres@127.0.0.1:1/nowhere';
    const r = await token(['--role', 'admin', '--owner', 'me'], { DATABASE_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not store the token in ${url}: `);
    expect(r.stderr).toContain('Set DATABASE_URL');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
  });
});
