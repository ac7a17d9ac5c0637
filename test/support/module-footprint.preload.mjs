// Preloaded into a child process by tests (`node --import tsx --import <this file> …`): appends the URL of
// every ES module the process resolves (its own files, packages, and what they import) to
// GENBENCH_MODULES_FILE, one per line, as it happens. The hook runs on Node's loader thread, after tsx's
// (hooks registered later run first and see the URL the chain resolved to).
import { register } from 'node:module';

const out = process.env.GENBENCH_MODULES_FILE;
if (out) {
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(${JSON.stringify(out)}, resolved.url + '\\n');
      return resolved;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
