import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fillBatchNormals } from './noise.js';

/*
 * Where a sampler's normals come from. Every value is a pure function of (seed, sample index, draw, element)
 * (noise.ts), so who computes it changes nothing: the pool's threads and the main thread give the same bits.
 *
 * Why threads: onnxruntime-node's session.run blocks the main thread for the whole network call, and a
 * stochastic solver (DDIM η > 0, the ancestral DDPM sampling of the ImageNet boards) needs a fresh draw of
 * N·C·H·W normals every step — about 35 ns each here, 28 ms for a batch of 64 at 64×64, as long as a GPU's
 * call on a mid-size network. The solver asks for draw k+1 before it calls the network for step k; the pool's
 * threads fill it meanwhile, each a share of the samples, in a SharedArrayBuffer. On a GPU machine the draw
 * then costs nothing; on a CPU-only one the threads share the cores with onnxruntime's own.
 */

/** Fills `out` ([indices.length · perSample], sample n at n·perSample) with standard normals of draw `draw`. */
export interface NoiseSource {
  /** A buffer `fill` can write into, of `length` floats. */
  allocate(length: number): Float32Array;
  fill(out: Float32Array, seed: number, indices: ArrayLike<number>, perSample: number, draw: number): Promise<Float32Array>;
}

/** The main thread computes the draw when asked (tests, small jobs, and where no thread is spare). */
export const inlineNoise: NoiseSource = {
  allocate: (length) => new Float32Array(length),
  fill: (out, seed, indices, perSample, draw) => Promise.resolve(fillBatchNormals(out, seed, indices, perSample, draw)),
};

/** One thread's share of a draw (noise-pool.worker.ts). */
export interface NoiseTask {
  id: number;
  buffer: SharedArrayBuffer;
  seed: number;
  /** Global sample indices of this share; share sample k goes to row first + k of the buffer. */
  indices: number[];
  first: number;
  perSample: number;
  draw: number;
}

const WORKER = new URL(`./noise-pool.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;

/** Threads this machine can spare for noise by default: one fewer than its cores, at most 8. */
export function defaultNoiseThreads(): number {
  return Math.max(0, Math.min(8, availableParallelism() - 1));
}

/** Worker threads that fill draws in parallel, off the main thread (see the module comment). */
export class NoisePool implements NoiseSource {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private failure?: Error;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: { id: number; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(`noise thread: ${m.error}`));
        else p.resolve();
      });
      w.on('error', (err) => this.fail(new Error(`noise thread failed: ${err.message}`, { cause: err })));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`noise thread exited with code ${code}`));
      });
    }
  }

  /** Starts `threads` workers (≥ 1). Workers run from source through tsx when this module does. */
  static create(threads: number): NoisePool {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`a noise pool needs at least one thread, got ${threads}`);
    const source = WORKER.endsWith('.ts')
      ? // A TypeScript worker entry needs tsx's loader registered inside the thread itself.
        new URL(
          `data:text/javascript,${encodeURIComponent(
            `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(WORKER)});`,
          )}`,
        )
      : new URL(WORKER);
    return new NoisePool(Array.from({ length: threads }, () => new Worker(source)));
  }

  allocate(length: number): Float32Array {
    return new Float32Array(new SharedArrayBuffer(4 * length));
  }

  /** Splits the samples into one contiguous share per thread. `out` must come from {@link allocate}. */
  fill(out: Float32Array, seed: number, indices: ArrayLike<number>, perSample: number, draw: number): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (!(out.buffer instanceof SharedArrayBuffer)) return Promise.reject(new TypeError('NoisePool.fill needs a buffer from allocate()'));
    if (out.byteOffset !== 0 || out.byteLength !== out.buffer.byteLength) {
      return Promise.reject(new TypeError('NoisePool.fill needs a whole buffer from allocate(), not a view into one'));
    }
    if (out.length !== indices.length * perSample) {
      return Promise.reject(new RangeError(`out holds ${out.length} values, ${indices.length} samples need ${indices.length * perSample}`));
    }
    const n = indices.length;
    const shares = Math.min(this.workers.length, n);
    const jobs: Array<Promise<void>> = [];
    for (let j = 0; j < shares; j++) {
      const first = Math.floor((j * n) / shares);
      const end = Math.floor(((j + 1) * n) / shares);
      const id = this.nextId++;
      jobs.push(
        new Promise<void>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
        }),
      );
      const task: NoiseTask = {
        id,
        buffer: out.buffer,
        seed,
        indices: Array.from({ length: end - first }, (_, k) => indices[first + k]!),
        first,
        perSample,
        draw,
      };
      this.workers[j]!.postMessage(task);
    }
    return Promise.all(jobs).then(() => out);
  }

  async close(): Promise<void> {
    this.fail(new Error('the noise pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}
