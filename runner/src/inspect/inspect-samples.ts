import { type AdmVideosLayout, checkAdmImages, checkAdmVideos } from '../io/adm-batch.js';
import { ArrayFileError, type NpzReader, openNpz } from '../io/npz.js';
import type { SamplesManifest } from '../../../contracts/manifest/samples-manifest.schemas.js';
import type { InspectionReport } from '../../../contracts/inspection/inspection.js';

/**
 * Submission-time checks of an uploaded sample batch (an ADM-style `.npz`) against its manifest, from the
 * archive's headers, then one pass through its bytes (sizes and CRC-32, nothing kept; see NpzReader.verify).
 * Whether it holds enough images for a suite is checked when that suite runs (suites differ in sample counts).
 */
export interface SampleBatchLayout {
  /** Images in `arr_0`. */
  count: number;
  /** `arr_1` (labels) is present and will be read. */
  labels: boolean;
}

const LABEL_DTYPES = ['int64', 'int32', 'int16', 'uint16', 'int8', 'uint8'];

/** Checks `arr_0` (the shared ADM layout, then the manifest's resolution) and `arr_1` of an open archive; returns the layout, or the problem in the submitter's terms. */
export function checkSampleBatch(
  reader: NpzReader,
  m: Pick<SamplesManifest, 'resolution' | 'classes' | 'frames'>,
): SampleBatchLayout | { field: string; problem: string } {
  const images = m.frames === undefined ? checkAdmImages(reader) : checkAdmVideos(reader);
  if ('problem' in images) return { field: 'file', problem: images.problem };
  const frames = (images as Partial<AdmVideosLayout>).frames;
  if (frames !== m.frames) {
    return { field: 'frames', problem: `arr_0 holds videos of ${frames} frames, the manifest declares frames ${m.frames}` };
  }
  const R = m.resolution;
  if (images.resolution !== R) {
    return {
      field: 'resolution',
      problem: `arr_0 holds ${images.resolution}×${images.resolution} ${m.frames === undefined ? 'images' : 'frames'}, the manifest declares resolution ${R}`,
    };
  }
  const count = images.count;
  if (count < 2)
    return { field: 'file', problem: `arr_0 holds ${count} ${m.frames === undefined ? 'image' : 'video'}(s); a batch needs at least 2` };
  if (m.classes === 0) return { count, labels: false };
  if (!reader.has('arr_1'))
    return { field: 'classes', problem: `a class-conditional batch (classes: ${m.classes}) needs arr_1 with one label per image` };
  const labels = reader.entry('arr_1');
  if (!LABEL_DTYPES.includes(labels.dtype)) return { field: 'file', problem: `arr_1 (labels) must hold integers, it is ${labels.dtype}` };
  if (labels.shape.length !== 1 || labels.shape[0] !== count) {
    return { field: 'file', problem: `arr_1 must be [${count}] (one label per image), it is [${labels.shape.join(', ')}]` };
  }
  return { count, labels: true };
}

/** Opens `path` and checks its headers (see the module comment). */
export async function inspectSampleBatch(path: string, manifest: SamplesManifest): Promise<InspectionReport> {
  let reader: NpzReader;
  try {
    reader = await openNpz(path);
  } catch (err) {
    const why = err instanceof ArrayFileError ? err.problem : (err as Error).message;
    return { ok: false, field: 'file', problem: `the file is not a readable .npz sample batch: ${why}` };
  }
  try {
    const layout = checkSampleBatch(reader, manifest);
    if ('problem' in layout) return { ok: false, field: layout.field, problem: layout.problem };
    // Every array is read through once (bounded memory, nothing kept), so a stream that inflates past its
    // declared size or fails its CRC is refused now rather than stored.
    try {
      await reader.verify();
    } catch (err) {
      if (!(err instanceof ArrayFileError)) throw err;
      return { ok: false, field: 'file', problem: `the file is not a readable .npz sample batch: ${err.problem}` };
    }
    return {
      ok: true,
      inputs: [],
      outputs: reader.entries
        .filter((e) => e.name === 'arr_0' || (layout.labels && e.name === 'arr_1'))
        .map((e) => ({ name: e.name, type: e.dtype, shape: e.shape })),
    };
  } finally {
    await reader.close();
  }
}
