// Which kernels to use. Its own module, apart from kernels.ts (the interface both implementations import),
// so that choosing an implementation does not make the interface import its implementations back.
import type { BackendChoice, Kernels } from './kernels.js';

export class KernelUnavailableError extends Error {
  override readonly name = 'KernelUnavailableError';
}

let ortKernels: Promise<Kernels> | undefined;

/** The kernels to use: `auto` prefers onnxruntime and falls back to TypeScript when it cannot be loaded. */
export async function getKernels(choice: BackendChoice = 'auto'): Promise<Kernels> {
  if (choice === 'js') return (await import('./js-kernels.js')).jsKernels;
  ortKernels ??= import('./ort-kernels.js').then((m) => m.createOrtKernels());
  try {
    return await ortKernels;
  } catch (err) {
    ortKernels = undefined;
    if (choice === 'onnxruntime') throw new KernelUnavailableError('onnxruntime-node could not be loaded', { cause: err });
    return (await import('./js-kernels.js')).jsKernels;
  }
}
