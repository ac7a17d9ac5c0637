#!/usr/bin/env node
// Checks that the checked-in migrations (prisma/migrations/<timestamp>_<name>/migration.sql, applied in name
// order) produce exactly the schema in prisma/schema.prisma, offline: Prisma 6's schema engine compiled to
// WASM (`engine: "js"` in ./prisma.config.mjs) applies the migrations to an in-process PGlite shadow
// database and diffs the result against the data model:
//
//   prisma migrate diff --from-migrations <migrations> --to-schema-datamodel <schema> --script --exit-code
//
// Prisma 7's own schema engine is a native binary downloaded at run time, which these machines cannot do
// (../../shared/notes/offline.md, "Prisma 7.10").
//
// Usage: node tools/migration-check/check.mjs [--schema FILE] [--migrations DIR]
// Exit status: 0 no drift, 1 drift (the SQL that would bring the migrations to the schema is printed),
// 2 the check could not run (a migration fails to apply, the schema does not parse, the tool is not installed).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const toolDir = import.meta.dirname;
const repoRoot = resolve(toolDir, '../..');
const prismaCli = join(toolDir, 'node_modules/prisma/build/index.js');

const { values: args } = parseArgs({
  options: {
    schema: { type: 'string', default: join(repoRoot, 'prisma/schema.prisma') },
    migrations: { type: 'string', default: join(repoRoot, 'prisma/migrations') },
  },
});
const schemaPath = resolve(args.schema);
const migrationsDir = resolve(args.migrations);
const show = (p) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p) || '.');

function fail(message) {
  console.error(`migration-check: ${message}`);
  process.exit(2);
}

if (!existsSync(prismaCli)) {
  fail(`the tool is not installed; run: npm ci --prefix ${show(toolDir)}`);
}
if (!existsSync(schemaPath)) fail(`no schema at ${show(schemaPath)}`);
if (!existsSync(migrationsDir)) fail(`no migrations folder at ${show(migrationsDir)}`);
const migrations = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const incomplete = migrations.filter((m) => !existsSync(join(migrationsDir, m, 'migration.sql')));
if (incomplete.length) fail(`migration folder(s) without migration.sql: ${incomplete.join(', ')}`);

/**
 * The schema adapted for Prisma 6: Prisma 7 keeps the connection URL in prisma.config.ts while Prisma 6
 * requires `url` in the datasource block (never connected to: the engine talks to PGlite through the
 * adapter), and generator blocks are dropped (a diff needs none, and Prisma 7's generator options are not
 * Prisma 6's business). Line numbers are kept where possible so that Prisma's messages point at the
 * right lines of the original.
 */
function adaptSchema(source) {
  let out = source.replace(/^[ \t]*generator\s+\w+\s*\{[^}]*\}/gm, (block) => block.replace(/[^\n]/g, ''));
  let datasources = 0;
  out = out.replace(/^([ \t]*datasource\s+\w+\s*\{)([^}]*)\}(\n[ \t]*\n)?/m, (_all, open, body, blankAfter) => {
    datasources++;
    // url, directUrl, shadowDatabaseUrl: blank them, keep the lines.
    const kept = body.replace(/^([ \t]*)(url|directUrl|shadowDatabaseUrl)\s*=.*$/gm, '');
    return `${open}${kept}  url = "postgresql://unused@localhost/unused"\n}${blankAfter ? '\n' : ''}`;
  });
  if (datasources !== 1) fail(`expected one datasource block in ${show(schemaPath)}`);
  return out;
}

const adaptedSource = adaptSchema(readFileSync(schemaPath, 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'genbench-migration-check-'));
try {
  const adapted = join(work, 'schema.prisma');
  writeFileSync(adapted, adaptedSource);
  // Prisma 6's CLI fetches its native query and schema engines before running unless these point at a
  // file; the stub is never run (engine "js" uses the WASM schema engine shipped in the prisma package).
  const stub = join(work, 'native-engine-stub');
  writeFileSync(stub, '#!/bin/sh\necho "genbench migration-check: native Prisma engines are not used" >&2\nexit 1\n');
  chmodSync(stub, 0o755);
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
    PRISMA_QUERY_ENGINE_LIBRARY: stub,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1', // no version check against Prisma's servers
  };
  const started = performance.now();
  const res = spawnSync(
    process.execPath,
    [
      prismaCli,
      'migrate',
      'diff',
      '--config',
      join(toolDir, 'prisma.config.mjs'),
      '--from-migrations',
      migrationsDir,
      '--to-schema-datamodel',
      adapted,
      '--script',
      '--exit-code',
    ],
    { cwd: toolDir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const stdout = (res.stdout ?? '').replace(/^Loaded Prisma config from .*\n+/m, '');
  const stderr = (res.stderr ?? '').replace(/^Loaded Prisma config from .*\n+/m, '');
  const what = `${migrations.length} migration(s) in ${show(migrationsDir)} vs ${show(schemaPath)}`;

  if (res.status === 0) {
    console.log(`migration-check: OK, no drift: ${what} (${seconds} s)`);
  } else if (res.status === 2) {
    console.log(`migration-check: DRIFT: ${what} (${seconds} s)`);
    console.log('The migrations do not produce the schema. SQL that would bring them to it:\n');
    console.log(stdout.trim());
    console.log(
      `\nAdd a migration (prisma/migrations/<timestamp>_<name>/migration.sql) with the statements above, ` +
        `after reviewing them, or change schema.prisma back. Do not edit migrations that were already applied.`,
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    if (res.error) console.error(res.error);
    console.error(
      `migration-check: ERROR: could not compare ${what} (prisma exited ${res.status ?? res.signal}, ${seconds} s). ` +
        `Prisma reads an adapted copy of the schema (datasource url added, generators blanked; ` +
        `line numbers unchanged).`,
    );
    process.exitCode = 2;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
