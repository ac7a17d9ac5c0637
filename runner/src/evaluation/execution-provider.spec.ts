import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunnerConfig } from '../worker/runner-config.js';
import { cudaProviderLibrary, parseProvider, resolveProvider } from './execution-provider.js';

describe('execution provider `auto` (CUDA when onnxruntime-node has its CUDA libraries)', () => {
  it('is cuda when the CUDA provider library is present, cpu when it is absent or the platform has no CUDA build', () => {
    const lib = '/opt/ort/libonnxruntime_providers_cuda.so';
    expect(resolveProvider('auto', lib, (p) => p === lib)).toBe('cuda');
    expect(resolveProvider('auto', lib, () => false)).toBe('cpu');
    expect(resolveProvider('auto', null, () => true)).toBe('cpu');
    // An explicit choice is kept whatever is installed (openSession falls back to CPU with a warning).
    for (const p of ['cpu', 'webgpu', 'cuda'] as const) expect(resolveProvider(p, null, () => false)).toBe(p);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    "looks beside onnxruntime-node's own binding, where its install script puts the CUDA provider",
    () => {
      const lib = cudaProviderLibrary()!;
      expect(existsSync(join(dirname(lib), 'onnxruntime_binding.node'))).toBe(true);
      expect(resolveProvider('auto')).toBe(existsSync(lib) ? 'cuda' : 'cpu');
    },
  );

  it('--ep and GENBENCH_EP accept auto and the three providers, and nothing else', () => {
    expect(parseProvider('cpu')).toBe('cpu');
    expect(parseProvider('webgpu')).toBe('webgpu');
    expect(parseProvider('auto')).toBe(resolveProvider('auto'));
    expect(parseProvider('tpu')).toBeUndefined();
    const token = { GENBENCH_RUNNER_TOKEN: 'gb_runner_test' };
    expect(loadRunnerConfig(token).executionProvider).toBe(resolveProvider('auto'));
    expect(loadRunnerConfig({ ...token, GENBENCH_EP: 'webgpu' }).executionProvider).toBe('webgpu');
    expect(() => loadRunnerConfig({ ...token, GENBENCH_EP: 'tpu' })).toThrow(/GENBENCH_EP/);
  });
});
