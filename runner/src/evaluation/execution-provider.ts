import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ExecutionProvider } from './onnx-session.js';

/** What a runner or the CLI may be asked for: a provider, or `auto` (CUDA where its libraries are installed, else CPU). */
export type RequestedProvider = ExecutionProvider | 'auto';
export const REQUESTED_PROVIDERS = ['auto', 'cpu', 'webgpu', 'cuda'] as const;

/**
 * Where onnxruntime-node's install script puts the CUDA provider when CUDA is installed with it
 * (`ONNXRUNTIME_NODE_INSTALL=cuda12`, or `--onnxruntime-node-install-cuda`): beside its binding, in
 * bin/napi-v6/linux/x64. Only linux/x64 has a CUDA build.
 */
export function cudaProviderLibrary(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  return join(dirname(pkg), 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
}

/**
 * The provider to open sessions on. `auto` is CUDA when onnxruntime-node's CUDA provider library is
 * present, CPU otherwise (WebGPU only when asked for: a software Vulkan driver would otherwise be taken
 * for a GPU). A CUDA provider whose library is present but whose driver is not still falls back to CPU
 * with a warning when the session opens (openSession), and provenance records what ran.
 */
export function resolveProvider(
  requested: RequestedProvider,
  library: string | null = cudaProviderLibrary() ?? null,
  exists: (path: string) => boolean = existsSync,
): ExecutionProvider {
  if (requested !== 'auto') return requested;
  return library !== null && exists(library) ? 'cuda' : 'cpu';
}

/** A `--ep` / GENBENCH_EP value, resolved; undefined when it names no provider. */
export function parseProvider(value: string): ExecutionProvider | undefined {
  return (REQUESTED_PROVIDERS as readonly string[]).includes(value) ? resolveProvider(value as RequestedProvider) : undefined;
}
