import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SampleSetCollector } from './sample-set.js';

const R = 4;
function batch(start: number, count: number, extra: { labels?: number[]; prompts?: string[] } = {}) {
  const images = new Uint8Array(count * R * R * 3);
  // Sample i is filled with the value i, so each PNG says which sample it holds.
  for (let k = 0; k < count; k++) images.fill(start + k, k * R * R * 3, (k + 1) * R * R * 3);
  return {
    start,
    count,
    resolution: R,
    images,
    ...(extra.labels ? { labels: Int32Array.from(extra.labels) } : {}),
    ...(extra.prompts ? { conditions: extra.prompts.map((prompt) => ({ prompt })) } : {}),
  };
}

describe('SampleSetCollector', () => {
  it('keeps the first K samples across batches, each its own PNG of its own pixels, with its class label', async () => {
    const c = new SampleSetCollector(5);
    c.add(batch(0, 3, { labels: [7, 8, 9] }));
    c.add(batch(3, 3, { labels: [1, 2, 3] }));
    c.add(batch(6, 3, { labels: [4, 5, 6] }));
    const kept = await c.toSamples();
    expect(kept.map((s) => [s.index, s.condition])).toEqual([
      [0, { class_label: 7 }],
      [1, { class_label: 8 }],
      [2, { class_label: 9 }],
      [3, { class_label: 1 }],
      [4, { class_label: 2 }],
    ]);
    for (const s of kept) {
      const { data, info } = await sharp(Buffer.from(s.image)).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([R, R, 3]);
      expect(new Set(data)).toEqual(new Set([s.index]));
    }
  });

  it("prefers the family's own condition (a prompt), and keeps {} for unconditional samples", async () => {
    const t2i = new SampleSetCollector(2);
    t2i.add(batch(0, 2, { labels: [0, 0], prompts: ['a red circle', 'a blue square'] }));
    expect((await t2i.toSamples()).map((s) => s.condition)).toEqual([{ prompt: 'a red circle' }, { prompt: 'a blue square' }]);
    const uncond = new SampleSetCollector(1);
    uncond.add(batch(0, 2));
    expect((await uncond.toSamples()).map((s) => [s.index, s.condition])).toEqual([[0, {}]]);
  });

  it('keeps the images shown beside a sample (input, target) as PNGs of their own side, copied while the batch is alive', async () => {
    const c = new SampleSetCollector(1);
    const b = batch(0, 2);
    const input = new Uint8Array(2 * 2 * 2 * 3).fill(200);
    const target = new Uint8Array(2 * R * R * 3).fill(50);
    c.add({
      ...b,
      attached: [0, 1].map((k) => ({
        input: { pixels: input.subarray(k * 12, (k + 1) * 12), side: 2 },
        target: { pixels: target.subarray(k * R * R * 3, (k + 1) * R * R * 3), side: R },
      })),
    });
    input.fill(0); // the batch's buffers are reused after add()
    const [kept] = await c.toSamples();
    expect(Object.keys(kept!.images!)).toEqual(['input', 'target']);
    const decoded = await sharp(Buffer.from(kept!.images!.input!)).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height]).toEqual([2, 2]);
    expect(new Set(decoded.data)).toEqual(new Set([200]));
    const t = await sharp(Buffer.from(kept!.images!.target!)).raw().toBuffer();
    expect(new Set(t)).toEqual(new Set([50]));
  });

  it('keeps a video as a lossless animated WebP: every frame decodes to its pixels exactly (tolerance 0), 1000/fps ms each', async () => {
    const T = 3;
    const frame = R * R * 3;
    // Video k, frame f: every byte 10·k + f + 1 (distinct consecutive frames, so none is merged), copied at add().
    const pixels = new Uint8Array(2 * T * frame);
    for (let k = 0; k < 2; k++) for (let f = 0; f < T; f++) pixels.fill(10 * k + f + 1, (k * T + f) * frame, (k * T + f + 1) * frame);
    const c = new SampleSetCollector(2);
    c.add({ ...batch(0, 2), videos: { frames: T, fps: 8, pixels } });
    pixels.fill(0);
    const kept = await c.toSamples();
    expect(kept.map((s) => s.mediaType)).toEqual(['image/webp', 'image/webp']);
    for (const s of kept) {
      const meta = await sharp(Buffer.from(s.image)).metadata();
      expect([meta.format, meta.pages, meta.width, meta.height, meta.loop, meta.delay]).toEqual(['webp', T, R, R, 0, [125, 125, 125]]);
      const { data, info } = await sharp(Buffer.from(s.image), { pages: -1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([R, T * R]);
      for (let f = 0; f < T; f++) expect(new Set(data.subarray(f * frame, (f + 1) * frame))).toEqual(new Set([10 * s.index + f + 1]));
    }
  });

  it('keeps nothing with K = 0', async () => {
    const c = new SampleSetCollector(0);
    c.add(batch(0, 4));
    expect(await c.toSamples()).toEqual([]);
  });
});
