// `genbench prepare-captions`: COCO's captions annotation file → the one-caption-a-line text file a captioned
// suite reads (coco-val-canny-512 v2: `coco2017-val-5k-captions.txt`), line i captioning image i of the suite's
// batch. COCO gives about five captions per image; the suite fixes one so every model reads the same: the
// annotation with the lowest id, trimmed, every run of whitespace (newlines included) one space. The images and
// their order are those of the batch: the file names of a list (as `genbench prepare-batch --list` takes it), or
// every image of the annotation file in its `images` order.

import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { sha256File } from '../../assets/assets.js';
import { CliError } from '../cli-error.js';

export interface PrepareCaptionsOptions {
  coco: string;
  list?: string;
  out: string;
}

interface CocoCaptions {
  images: Array<{ id: number; file_name: string }>;
  annotations: Array<{ id: number; image_id: number; caption: string }>;
}

function parseCoco(text: string, path: string): CocoCaptions {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path} is not JSON (${(err as Error).message}): pass COCO's captions_val2017.json`);
  }
  const j = json as Partial<CocoCaptions>;
  if (!Array.isArray(j.images) || !Array.isArray(j.annotations))
    throw new CliError(`${path} has no "images" and "annotations" lists: pass a COCO captions file such as captions_val2017.json`);
  for (const im of j.images)
    if (typeof im?.id !== 'number' || typeof im?.file_name !== 'string')
      throw new CliError(`${path}: an entry of "images" lacks a numeric id or a file_name`);
  for (const a of j.annotations)
    if (typeof a?.id !== 'number' || typeof a?.image_id !== 'number' || typeof a?.caption !== 'string')
      throw new CliError(`${path}: an entry of "annotations" lacks a numeric id, an image_id or a caption (is this the captions file?)`);
  return j as CocoCaptions;
}

/** Writes the captions file; returns how many lines and its sha256 (to pin in the suite). */
export async function prepareCaptions(opts: PrepareCaptionsOptions): Promise<{ count: number; sha256: string }> {
  let text: string;
  try {
    text = await readFile(opts.coco, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${opts.coco} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const coco = parseCoco(text, opts.coco);
  // The lowest-id annotation of each image.
  const chosen = new Map<number, { id: number; caption: string }>();
  for (const a of coco.annotations) {
    const had = chosen.get(a.image_id);
    if (!had || a.id < had.id) chosen.set(a.image_id, { id: a.id, caption: a.caption });
  }
  const byName = new Map(coco.images.map((im) => [im.file_name, im.id]));
  let order: Array<{ name: string; id: number }>;
  if (opts.list) {
    let listed: string;
    try {
      listed = await readFile(opts.list, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${opts.list} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const lines = listed.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    if (lines.length === 0) throw new CliError(`${opts.list} lists no images`);
    order = lines.map((line, i) => {
      // The list may name files under a folder (val2017/000000000139.jpg): COCO names them by base name.
      const name = basename(line.trim());
      const id = byName.get(name);
      if (id === undefined) throw new CliError(`${opts.list} line ${i + 1}: ${JSON.stringify(line)} is not an image of ${opts.coco}`);
      return { name, id };
    });
  } else order = coco.images.map((im) => ({ name: im.file_name, id: im.id }));
  if (order.length === 0) throw new CliError(`${opts.coco} has no images`);
  const out = order.map(({ name, id }) => {
    const c = chosen.get(id);
    if (!c) throw new CliError(`${opts.coco} has no caption for ${name} (image id ${id})`);
    const caption = c.caption.trim().replace(/\s+/g, ' ');
    if (caption === '') throw new CliError(`${opts.coco}: the caption of ${name} (annotation ${c.id}) is empty`);
    return caption;
  });
  // Written whole then renamed, so a failed run leaves no partial file under the suite's name.
  const partial = `${opts.out}.partial`;
  try {
    await writeFile(partial, `${out.join('\n')}\n`, 'utf8');
    await rename(partial, opts.out);
  } catch (err) {
    await rm(partial, { force: true });
    throw new CliError(`cannot write ${opts.out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return { count: out.length, sha256: await sha256File(opts.out) };
}

export function register(program: Command): void {
  program
    .command('prepare-captions')
    .description(
      "write a captioned suite's captions file from COCO's captions JSON: one caption a line (each image's lowest-id annotation, whitespace collapsed), in the batch's order",
    )
    .requiredOption('--coco <file>', 'COCO captions annotation file (annotations_trainval2017.zip: captions_val2017.json)')
    .option('--list <file>', 'the image file names of the batch, one a line, in its order (default: the JSON\'s "images" order)')
    .requiredOption('--out <file>', 'the captions file to write (coco-val-canny-512: coco2017-val-5k-captions.txt)')
    .action(async (opts: PrepareCaptionsOptions) => {
      const r = await prepareCaptions(opts);
      process.stdout.write(`wrote ${r.count} captions to ${opts.out}\nsha256 ${r.sha256}\n`);
    });
}
