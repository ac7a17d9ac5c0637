import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../api/src/config/config.js';
import { machineMemoryBytes } from '../child/memory-limit.js';
import { loadRunnerConfig } from './runner-config.js';

const TOKEN = { GENBENCH_RUNNER_TOKEN: 'gb_runner_test' };

describe('GENBENCH_CHILD_MEMORY_LIMIT_GIB, parsed once at start', () => {
  it('runner: GiB to bytes; by default half the machine memory shared by GENBENCH_CONCURRENCY children', () => {
    expect(loadRunnerConfig({ ...TOKEN, GENBENCH_CHILD_MEMORY_LIMIT_GIB: '0.5' }).childMemoryLimitBytes).toBe(512 * 1024 ** 2);
    expect(loadRunnerConfig({ ...TOKEN }).childMemoryLimitBytes).toBe(Math.floor(machineMemoryBytes() / 2));
    expect(loadRunnerConfig({ ...TOKEN, GENBENCH_CONCURRENCY: '4' }).childMemoryLimitBytes).toBe(Math.floor(machineMemoryBytes() / 8));
    expect(() => loadRunnerConfig({ ...TOKEN, GENBENCH_CHILD_MEMORY_LIMIT_GIB: '0' })).toThrow(/GENBENCH_CHILD_MEMORY_LIMIT_GIB/);
    expect(() => loadRunnerConfig({ ...TOKEN, GENBENCH_CHILD_MEMORY_LIMIT_GIB: 'lots' })).toThrow(/GENBENCH_CHILD_MEMORY_LIMIT_GIB/);
  });

  it('API: the same variable bounds the upload inspection child', () => {
    expect(loadConfig({ GENBENCH_CHILD_MEMORY_LIMIT_GIB: '2' }).childMemoryLimitBytes).toBe(2 * 1024 ** 3);
    expect(loadConfig({}).childMemoryLimitBytes).toBe(Math.floor(machineMemoryBytes() / 2));
    expect(() => loadConfig({ GENBENCH_CHILD_MEMORY_LIMIT_GIB: '-1' })).toThrow(/GENBENCH_CHILD_MEMORY_LIMIT_GIB/);
  });
});
