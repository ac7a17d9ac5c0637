import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { defineSuite } from '../../../../contracts/suites/suite.schemas.js';
import smokeCannyText from '../../../../benchmarks/image-conditioned/smoke-canny-text-32.suite.js';
import { buildCannyFill, exampleCannyFillManifest } from '../../../../benchmarks/image-conditioned/example-text-models.js';
import { buildExampleTextEncoder, exampleTokenizerJson } from '../../../../benchmarks/text-to-image/example-models.js';
import { sha256File } from '../../assets/assets.js';
import { drawnPrompts, suiteInputs } from '../../conditions/suite-inputs.js';
import { writeNpz } from '../../io/npz.js';
import { runEvaluation } from '../../tasks/evaluate.js';
import { CliError } from '../cli-error.js';
import { prepareCaptions } from './prepare-captions.command.js';

// COCO's captions JSON → a captioned suite's captions file: the lowest-id caption of each image, whitespace
// collapsed, in the batch's order; and that file read by a captioned control suite by path.
describe('genbench prepare-captions', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  const coco = {
    info: {},
    images: [
      { id: 139, file_name: '000000000139.jpg' },
      { id: 285, file_name: '000000000285.jpg' },
      { id: 632, file_name: '000000000632.jpg' },
    ],
    annotations: [
      { id: 700, image_id: 139, caption: 'A woman stands in the dining area at the table.' },
      { id: 12, image_id: 285, caption: '  A big  burly grizzly bear\nis shown with grass.  ' },
      { id: 590, image_id: 139, caption: 'A room with chairs, a table, and a woman in it.' },
      { id: 900, image_id: 285, caption: 'The large brown bear has a black nose.' },
      { id: 44, image_id: 632, caption: 'Bedroom scene with a bookcase, blue comforter and window.' },
    ],
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-captions-'));
    await writeFile(file('captions_val2017.json'), JSON.stringify(coco));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes each image's lowest-id caption, trimmed and collapsed, in the JSON's order or the list's, with its sha256", async () => {
    const r = await prepareCaptions({ coco: file('captions_val2017.json'), out: file('all.txt') });
    expect(await readFile(file('all.txt'), 'utf8')).toBe(
      [
        'A room with chairs, a table, and a woman in it.',
        'A big burly grizzly bear is shown with grass.',
        'Bedroom scene with a bookcase, blue comforter and window.',
        '',
      ].join('\n'),
    );
    expect(r).toEqual({ count: 3, sha256: await sha256File(file('all.txt')) });
    await writeFile(file('list.txt'), 'val2017/000000000632.jpg\r\n000000000139.jpg\n');
    await prepareCaptions({ coco: file('captions_val2017.json'), list: file('list.txt'), out: file('listed.txt') });
    expect((await readFile(file('listed.txt'), 'utf8')).split('\n').slice(0, 2)).toEqual([
      'Bedroom scene with a bookcase, blue comforter and window.',
      'A room with chairs, a table, and a woman in it.',
    ]);
  });

  it('refuses, leaving no file: a list naming an image the JSON lacks, an image without a caption, an instances file', async () => {
    await writeFile(file('bad-list.txt'), '000000000139.jpg\n000000999999.jpg\n');
    await expect(prepareCaptions({ coco: file('captions_val2017.json'), list: file('bad-list.txt'), out: file('x.txt') })).rejects.toThrow(
      /bad-list.txt line 2: "000000999999.jpg" is not an image of/,
    );
    await writeFile(file('uncaptioned.json'), JSON.stringify({ ...coco, images: [...coco.images, { id: 7, file_name: 'seven.jpg' }] }));
    await expect(prepareCaptions({ coco: file('uncaptioned.json'), out: file('x.txt') })).rejects.toThrow(
      /no caption for seven.jpg \(image id 7\)/,
    );
    await writeFile(
      file('instances.json'),
      JSON.stringify({ images: coco.images, annotations: [{ id: 1, image_id: 139, bbox: [0, 0, 1, 1] }] }),
    );
    const err = await prepareCaptions({ coco: file('instances.json'), out: file('x.txt') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/is this the captions file\?/);
    expect((await readdir(dir)).filter((f) => f.startsWith('x.txt'))).toEqual([]);
  });

  it('a captioned control suite reading its targets and captions by path scores as smoke-canny-text-32 drawing them (1e-12)', async () => {
    // The smoke suite's drawings as a target batch, and their captions through a COCO-style JSON.
    const { targets, captions } = drawnPrompts(64, 32, 0, 5);
    const ref = join(dir, 'reference');
    await rm(ref, { recursive: true, force: true });
    await mkdir(ref);
    await writeNpz(join(ref, 'drawings.npz'), { arr_0: { dtype: 'uint8', shape: [64, 32, 32, 3], data: targets } });
    const json = {
      images: captions.map((_, i) => ({ id: i + 1, file_name: `${String(i).padStart(4, '0')}.png` })),
      annotations: captions.map((c, i) => ({ id: 10 * (i + 1), image_id: i + 1, caption: c })),
    };
    await writeFile(file('drawn-captions.json'), JSON.stringify(json));
    const { sha256 } = await prepareCaptions({ coco: file('drawn-captions.json'), out: join(ref, 'captions.txt') });
    const byPath = defineSuite({
      ...smokeCannyText,
      id: 'canny-text-by-path',
      targets: {
        type: 'adm-reference-batch',
        file: 'drawings.npz',
        sha256: await sha256File(join(ref, 'drawings.npz')),
        source: 'https://example.org/test',
      },
      condition: {
        kind: 'canny',
        low: 100,
        high: 200,
        captions: { type: 'text-file', file: 'captions.txt', sha256, source: 'https://example.org/test' },
      },
    });
    const assetDirs = loadAssetDirs({ GENBENCH_REFERENCE_DIR: ref });
    const drawn = await suiteInputs(smokeCannyText);
    const read = await suiteInputs(byPath, assetDirs);
    expect(read.text).toEqual(drawn.text);
    expect(read.conditions).toEqual(drawn.conditions);
    const text = { textEncoder: buildExampleTextEncoder(), tokenizer: new TextEncoder().encode(exampleTokenizerJson()) };
    const model = { model: buildCannyFill(true), manifest: exampleCannyFillManifest('fill', true), ...text };
    const a = await runEvaluation({ ...model, suite: smokeCannyText, assetDirs });
    const b = await runEvaluation({ ...model, suite: byPath, assetDirs });
    for (const m of a.metrics) expect(Math.abs(b.metrics.find((x) => x.id === m.id)!.value - m.value), m.id).toBeLessThan(1e-12);
  }, 60_000);
});
