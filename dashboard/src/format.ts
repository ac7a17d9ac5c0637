/** Display helpers shared by every page. */

/** The viewer's time zone as dates name it: `UTC`, `CET`, `GMT+2` (the browser's short name for it). */
function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'local time';
}

/**
 * `2025-05-01 14:03 CEST` in the viewer's time zone, which it names: sortable at a glance, unlike locale
 * formats, and never mistaken for the server's or another reader's clock.
 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())} ${zoneName(d)}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** A relative change (0.012) as a signed percentage (`+1.2%`), readable down to the 1e-6 tolerances suites use. */
export function formatRelativeChange(x: number): string {
  const pct = x * 100;
  if (pct === 0) return '±0%';
  const abs = Math.abs(pct);
  const digits = abs >= 10 ? abs.toFixed(1) : abs >= 0.01 ? abs.toPrecision(2) : abs.toExponential(1);
  return `${pct > 0 ? '+' : '−'}${digits}%`;
}

export const shortSha = (sha: string): string => sha.slice(0, 12);

export const taskLabel = (task: string): string =>
  ({
    'unconditional-generation': 'Unconditional generation',
    'class-conditional-generation': 'Class-conditional generation',
    'zero-shot-segmentation': 'Zero-shot segmentation',
    'text-to-image': 'Text-to-image',
    'video-generation': 'Video generation',
    'image-restoration': 'Image restoration',
    'image-translation': 'Image-to-image translation',
    'controllable-generation': 'Controllable generation',
    'image-editing': 'Instruction editing',
  })[task] ?? task;

/** Hardware arrives as whatever the runner reported: a string, or an object such as {cpu, cores, gpu}. */
export function formatHardware(hw: unknown): string {
  if (hw == null) return '—';
  if (typeof hw !== 'object') return jsonText(hw);
  return Object.entries(hw as Record<string, unknown>)
    .filter(([, v]) => v != null && v !== '')
    .map(([k, v]) => `${k}: ${jsonText(v)}`)
    .join(', ');
}

/** A JSON value as text: a string as it is, anything else as JSON (an object never as "[object Object]"). */
const jsonText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
