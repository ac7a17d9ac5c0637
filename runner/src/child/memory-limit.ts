import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/**
 * The memory limit of the processes that run submitted models (the runner's evaluation child, the API's
 * upload inspection child), enforced by the parent: it reads the child's resident memory from
 * /proc/<pid>/status every `intervalMs` and kills the child once its peak (VmHWM, so a spike between two
 * reads still counts) passes the limit.
 *
 * Why a watchdog and not an rlimit or V8 flag: onnxruntime allocates natively, out of V8's heap
 * (--max-old-space-size never sees it), and a Node process reserves about 33 GB of address space before it
 * runs anything (V8's pointer cage, code range, thread stacks), so RLIMIT_AS would have to sit far above
 * any useful limit. A cgroup would be exact, but cgroup v2 delegation is rarely available inside the
 * containers runners live in. Resident memory is what exhausts a machine, and an op that allocates gigabytes
 * writes them page by page (≈ 1 GB/s measured for an Expand), so at 50 ms the child is stopped within
 * about 100 MB of the limit.
 */
export const MEMORY_POLL_MS = 50;

const GIB = 1024 ** 3;

/** What the operating system lets this process use: the cgroup's limit where one is set, else physical memory. */
export function machineMemoryBytes(): number {
  const total = totalmem();
  // Node ≥ 19.6; 0 or an "unlimited" sentinel (2^64 − 1 or the page-rounded maximum) when unconstrained.
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

/**
 * The default limit per child: half the machine's memory shared among the children that may run at once
 * (the runner's GENBENCH_CONCURRENCY), so the parent, the database and the page cache keep the other half.
 */
export function defaultChildMemoryLimitBytes(concurrentChildren = 1): number {
  return Math.floor(machineMemoryBytes() / 2 / Math.max(1, concurrentChildren));
}

/** `GENBENCH_CHILD_MEMORY_LIMIT_GIB` → bytes (undefined: the default). */
export function childMemoryLimitBytes(gib: number | undefined, concurrentChildren = 1): number {
  return gib === undefined ? defaultChildMemoryLimitBytes(concurrentChildren) : Math.floor(gib * GIB);
}

/** Bytes as GiB for messages: 0.5, 1.25, 11.7 — at most two decimals, no trailing zeros. */
export function formatGiB(bytes: number): string {
  const gib = bytes / GIB;
  return String(Number(gib.toFixed(gib >= 10 ? 1 : 2)));
}

/** The reason a submitter reads when the model's process passed the limit. */
export function memoryLimitReason(limitBytes: number, batchSize: number | undefined, peakBytes: number): string {
  const at = batchSize === undefined ? '' : ` at batch size ${batchSize}`;
  return (
    `the model exceeded the memory limit of ${formatGiB(limitBytes)} GiB${at}: its process reached ${formatGiB(peakBytes)} GiB ` +
    `of resident memory and was stopped (a model must run a batch of that size within the limit)`
  );
}

export interface ProcessMemory {
  rssBytes: number;
  /** Peak resident memory since the process started (VmHWM). */
  peakBytes: number;
}

/** Resident memory of `pid` from /proc; undefined where there is no /proc (not Linux) or the process is gone. */
export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const rssBytes = kib('VmRSS');
  if (rssBytes === undefined) return undefined; // a zombie has no memory lines
  return { rssBytes, peakBytes: Math.max(rssBytes, kib('VmHWM') ?? 0) };
}

export interface MemoryWatch {
  /** The highest peak seen so far, in bytes (0 before the first read). */
  readonly peakBytes: number;
  /** Whether memory can be watched here (Linux /proc). */
  readonly supported: boolean;
  stop(): void;
}

/**
 * Polls `pid`'s memory until stopped; calls `onExceeded` once, with the peak, when it passes `limitBytes`.
 * The caller kills the child. Where /proc is absent the watch reports `supported: false` and never fires.
 */
export function watchMemory(
  pid: number,
  limitBytes: number,
  onExceeded: (peakBytes: number) => void,
  intervalMs = MEMORY_POLL_MS,
): MemoryWatch {
  let peak = 0;
  let fired = false;
  const first = readProcessMemory(pid);
  const supported = first !== undefined;
  const check = (m: ProcessMemory | undefined) => {
    if (!m) return;
    peak = Math.max(peak, m.peakBytes);
    if (!fired && peak > limitBytes) {
      fired = true;
      clearInterval(timer);
      onExceeded(peak);
    }
  };
  const timer = setInterval(() => check(readProcessMemory(pid)), intervalMs);
  if (!supported) clearInterval(timer);
  check(first);
  return {
    get peakBytes() {
      return peak;
    },
    supported,
    stop: () => clearInterval(timer),
  };
}
