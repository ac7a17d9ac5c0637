import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';

/**
 * tools/migration-check: the checked-in migrations must produce exactly prisma/schema.prisma. The tool
 * (Prisma 6's WASM schema engine on in-process PGlite, offline) has its own node_modules, installed by
 * `npm ci --prefix tools/migration-check`; .ci/run installs it. Without it these specs are skipped,
 * except in CI, where they fail.
 */
const root = join(import.meta.dirname, '../..');
const tool = join(root, 'tools/migration-check/check.mjs');
const installed = existsSync(join(root, 'tools/migration-check/node_modules/prisma/build/index.js'));
if (!installed && !process.env.CI) {
  console.warn('migration-check specs skipped: run npm ci --prefix tools/migration-check');
}

function check(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tool, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

let temp: string | undefined;
/** A temporary folder for this file's copies, made on first use (none when the specs are skipped). */
function tempDir(): string {
  temp ??= mkdtempSync(join(tmpdir(), 'genbench-migration-check-spec-'));
  return temp;
}
afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe.skipIf(!installed && !process.env.CI)('tools/migration-check', () => {
  it.concurrent('finds no drift between prisma/migrations and prisma/schema.prisma', { timeout: 180_000 }, async ({ expect }) => {
    const { code, output } = await check();
    expect(output).toMatch(/OK, no drift/);
    expect(code, output).toBe(0);
  });

  it.concurrent('reports a column added to the schema without a migration', { timeout: 180_000 }, async ({ expect }) => {
    const schema = readFileSync(join(root, 'prisma/schema.prisma'), 'utf8');
    const field = /^(model ApiToken \{\n(?:.*\n)*?)(\s*@@map\("api_tokens"\))/m;
    expect(schema).toMatch(field);
    const drifted = join(tempDir(), 'drifted.prisma');
    writeFileSync(drifted, schema.replace(field, '$1  driftProbe String? @map("drift_probe_column")\n$2'));
    const { code, output } = await check('--schema', drifted);
    expect(output).toMatch(/DRIFT/);
    expect(output).toMatch(/ALTER TABLE "api_tokens" ADD COLUMN\s+"drift_probe_column" TEXT/);
    expect(code, output).toBe(1);
  });

  it.concurrent('reports a migration that fails to apply', { timeout: 180_000 }, async ({ expect }) => {
    const migrations = join(tempDir(), 'migrations');
    cpSync(join(root, 'prisma/migrations'), migrations, { recursive: true });
    mkdirSync(join(migrations, '99990101000000_broken'));
    writeFileSync(join(migrations, '99990101000000_broken/migration.sql'), 'ALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;\n');
    const { code, output } = await check('--migrations', migrations);
    expect(output).toMatch(/99990101000000_broken.*failed to apply/);
    expect(output).toMatch(/no_such_table/);
    expect(code, output).toBe(2);
  });
});
