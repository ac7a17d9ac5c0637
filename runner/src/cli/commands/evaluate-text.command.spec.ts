// `genbench evaluate` on text-conditioned models, through bin/genbench.js: an instruction editor with its text
// encoder and tokenizer scored locally exactly as a runner scores it, and the text files' mistakes as CLI errors.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildInstructionEncoder,
  buildRecolourEditor,
  exampleEditorManifest,
  exampleEditTokenizerJson,
} from '../../../../benchmarks/image-conditioned/example-text-models.js';
import smokeEdit from '../../../../benchmarks/image-conditioned/smoke-edit-32.suite.js';
import { loadAssetDirs } from '../../../../contracts/assets/asset-dirs.js';
import { runEvaluation } from '../../tasks/evaluate.js';

const BIN = join(import.meta.dirname, '../../../../bin/genbench.js');

describe('genbench evaluate with --text-encoder and --tokenizer', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  const run = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'evaluate', '--ep', 'cpu', ...args]);
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const editor = () => ['--model', file('editor.onnx'), '--manifest', file('editor.json'), '--suite', 'smoke-edit-32'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbench-evaluate-text-'));
    await writeFile(file('editor.onnx'), buildRecolourEditor(true));
    await writeFile(file('editor.json'), JSON.stringify(exampleEditorManifest('recolour')));
    await writeFile(file('encoder.onnx'), buildInstructionEncoder());
    await writeFile(file('tokenizer.json'), exampleEditTokenizerJson());
    await writeFile(file('broken-tokenizer.json'), '{"model": ');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('scores an instruction editor exactly as the runner does (same metrics to the last bit)', async () => {
    const r = await run(...editor(), '--text-encoder', file('encoder.onnx'), '--tokenizer', file('tokenizer.json'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as { metrics: Record<string, number>; protocol: { text: { fed: string } } };
    const direct = await runEvaluation({
      model: buildRecolourEditor(true),
      manifest: exampleEditorManifest('recolour'),
      suite: smokeEdit,
      assetDirs: loadAssetDirs({}),
      textEncoder: buildInstructionEncoder(),
      tokenizer: new TextEncoder().encode(exampleEditTokenizerJson()),
    });
    expect(printed.metrics).toEqual(Object.fromEntries(direct.metrics.map((m) => [m.id, m.value])));
    expect(printed.protocol.text.fed).toBe('instructions');
  }, 60_000);

  it('says which file to pass or fix, exit code 2: no --tokenizer, a tokenizer that does not load, text files for a model without text', async () => {
    const missing = await run(...editor(), '--text-encoder', file('encoder.onnx'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/declares a text_encoder: pass its ONNX with --text-encoder and its tokenizer.json with --tokenizer/);
    const broken = await run(...editor(), '--text-encoder', file('encoder.onnx'), '--tokenizer', file('broken-tokenizer.json'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${file('broken-tokenizer.json')}: `);
    expect(broken.stderr).toMatch(/tokenizer/);
    await writeFile(
      file('plain.json'),
      JSON.stringify({ ...exampleEditorManifest('plain'), inputs: { condition: 'source' }, text_encoder: undefined }),
    );
    const extra = await run(
      '--model',
      file('editor.onnx'),
      '--manifest',
      file('plain.json'),
      '--suite',
      'smoke-edit-32',
      '--tokenizer',
      file('tokenizer.json'),
    );
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/declares no text_encoder, so --text-encoder and --tokenizer have nothing to encode for/);
    for (const r of [missing, broken, extra]) expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
