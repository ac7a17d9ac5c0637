import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childMemoryLimitBytes, formatGiB, machineMemoryBytes, memoryLimitReason, readProcessMemory, watchMemory } from './memory-limit.js';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

describe('memory limit of model children', () => {
  it('formats limits in GiB and names the batch size in the reason', () => {
    expect(formatGiB(512 * MIB)).toBe('0.5');
    expect(formatGiB(1.25 * GIB)).toBe('1.25');
    expect(formatGiB(11.72 * GIB)).toBe('11.7');
    expect(memoryLimitReason(8 * GIB, 64, 8.2 * GIB)).toMatch(
      /^the model exceeded the memory limit of 8 GiB at batch size 64: its process reached 8\.2 GiB/,
    );
  });

  it('defaults to half the machine memory shared by the concurrent children; an explicit GiB value wins', () => {
    expect(childMemoryLimitBytes(undefined)).toBe(Math.floor(machineMemoryBytes() / 2));
    expect(childMemoryLimitBytes(undefined, 4)).toBe(Math.floor(machineMemoryBytes() / 8));
    expect(childMemoryLimitBytes(0.5, 4)).toBe(512 * MIB);
  });

  it.runIf(process.platform === 'linux')('reads resident memory from /proc', () => {
    const m = readProcessMemory(process.pid)!;
    expect(m.rssBytes).toBeGreaterThan(10 * MIB);
    expect(m.peakBytes).toBeGreaterThanOrEqual(m.rssBytes);
    expect(readProcessMemory(2 ** 22 + 12345)).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('stops watching a child that allocates past the limit within a poll of passing it', async () => {
    // Native memory, as onnxruntime's: 32 MiB buffers filled one by one (outside V8's heap), ≈ 1.3 GB/s.
    const child = spawn(
      process.execPath,
      ['-e', 'const k = []; setInterval(() => { const b = Buffer.alloc(32 * 1024 * 1024, 1); k.push(b); }, 25)'],
      { stdio: 'ignore' },
    );
    const exceeded = await new Promise<number>((resolve) => {
      watchMemory(child.pid!, 256 * MIB, (peak) => {
        child.kill('SIGKILL');
        resolve(peak);
      });
    });
    expect(exceeded).toBeGreaterThan(256 * MIB);
    // The watchdog reads every 50 ms; the bound leaves this busy machine's event loop 0.4 s of lag.
    expect(exceeded).toBeLessThan(768 * MIB);
  });
});
