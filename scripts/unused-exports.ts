// Lists exports that no other file imports (`npx tsx scripts/unused-exports.ts`), and, apart, exports that
// only specs and test/ import: the candidates of an unused-export sweep (issue #14). It reads the root and
// dashboard TypeScript programs with the compiler's own checker (each import resolved to the declaration it
// names, through re-exports), so it needs no dependency; a name used only in its own file is reported too,
// since its `export` is what is unused. Default exports, and files loaded by path (child processes, workers,
// suites, configs), are not judged.
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const JUDGED = /^(contracts|api\/src|runner\/src|benchmarks|test\/support|dashboard\/src)\//;
const NOT_JUDGED = /(\.spec\.tsx?|\.d\.ts|\/generated\/|\.child\.ts|\.worker\.ts|\.suite\.ts)$|^api\/src\/generated\//;
const isTest = (f: string) => /\.spec\.tsx?$/.test(f) || f.startsWith('test/');

function program(tsconfig: string): ts.Program {
  const config = ts.readConfigFile(tsconfig, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(tsconfig));
  return ts.createProgram(parsed.fileNames, parsed.options);
}

/** declaration key → files (other than its own) that import it */
const users = new Map<string, Set<string>>();
const exported = new Map<string, { file: string; name: string }>();
const keyOf = (s: ts.Symbol) => {
  const d = s.declarations?.[0];
  return d ? `${relative(ROOT, d.getSourceFile().fileName)}#${s.name}#${d.pos}` : undefined;
};

for (const tsconfig of ['tsconfig.json', 'dashboard/tsconfig.json']) {
  const p = program(resolve(ROOT, tsconfig));
  const checker = p.getTypeChecker();
  const resolveAlias = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  for (const sf of p.getSourceFiles()) {
    const file = relative(ROOT, sf.fileName);
    if (file.startsWith('..') || file.includes('node_modules')) continue;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (moduleSymbol && JUDGED.test(file) && !NOT_JUDGED.test(file)) {
      for (const s of checker.getExportsOfModule(moduleSymbol)) {
        if (s.name === 'default') continue;
        const target = resolveAlias(s);
        const key = keyOf(target);
        // Judged where it is declared; a re-export of another file's symbol counts as a use of it.
        if (key && key.startsWith(`${file}#`)) exported.set(key, { file, name: s.name });
      }
    }
    const visit = (node: ts.Node) => {
      let names: ts.Node[] = [];
      if (ts.isImportDeclaration(node) && node.importClause) {
        const c = node.importClause;
        if (c.name) names.push(c.name);
        if (c.namedBindings && ts.isNamedImports(c.namedBindings)) names = names.concat(c.namedBindings.elements.map((e) => e.name));
        if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) {
          // `import * as x`: every member read as x.member is a use.
          const ns = c.namedBindings.name;
          const nsSymbol = checker.getSymbolAtLocation(ns);
          const walk = (n: ts.Node) => {
            if (
              ts.isPropertyAccessExpression(n) &&
              ts.isIdentifier(n.expression) &&
              checker.getSymbolAtLocation(n.expression) === nsSymbol
            ) {
              names.push(n.name);
            }
            ts.forEachChild(n, walk);
          };
          walk(sf);
        }
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
        if (node.exportClause && ts.isNamedExports(node.exportClause)) names = names.concat(node.exportClause.elements.map((e) => e.name));
        else {
          // `export * from`: its names are used where the re-exporting module's names are.
          const target = checker.getSymbolAtLocation(node.moduleSpecifier);
          if (target) for (const s of checker.getExportsOfModule(target)) names.push(...(s.declarations ?? []).map((d) => d));
        }
      }
      if (ts.isImportTypeNode(node) && node.qualifier) names.push(node.qualifier);
      for (const n of names) {
        const s =
          ts.isIdentifier(n) || ts.isQualifiedName(n)
            ? checker.getSymbolAtLocation(n)
            : (n as ts.Declaration & { symbol?: ts.Symbol }).symbol;
        if (!s) continue;
        const key = keyOf(resolveAlias(s));
        if (!key || key.startsWith(`${file}#`)) continue;
        if (!users.has(key)) users.set(key, new Set());
        users.get(key)!.add(file);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}

const unused: string[] = [];
const testOnly: string[] = [];
for (const [key, { file, name }] of exported) {
  const by = [...(users.get(key) ?? [])];
  if (by.length === 0) unused.push(`${file}: ${name}`);
  else if (!isTest(file) && by.every(isTest)) testOnly.push(`${file}: ${name} (${by.join(', ')})`);
}
console.log(`imported by no other file (${unused.length}):\n  ${unused.sort().join('\n  ')}`);
console.log(`\nimported only by specs and test/ (${testOnly.length}):\n  ${testOnly.sort().join('\n  ')}`);
