#!/usr/bin/env node
// The `genbench` command: runs the TypeScript CLI through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../runner/src/cli/main.ts');
