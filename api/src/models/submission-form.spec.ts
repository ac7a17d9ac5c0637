import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
import { COMPANION_FILES, UPLOAD_FIELDS } from './companion-files.js';
import { SubmitModelForm } from './models.schemas.js';
import { readCompanions, readForm, readManifest, type SubmissionUpload } from './submission-form.js';

const denoiser = {
  name: 'tiny-ddpm',
  kind: 'denoiser',
  resolution: 32,
  classes: 10,
  channels: 3,
  inputs: { x: 'x_t', t: 't', class: 'y' },
  outputs: { prediction: 'out' },
  prediction: 'eps',
  schedule: { kind: 'vp-linear', beta_start: 0.0001, beta_end: 0.02, steps: 1000 },
  time_input: 'index',
  output_range: [-1, 1],
};
const latent = { shape: [4, 8, 8], scale_factor: 0.18215, decoder: { inputs: { latent: 'z' }, outputs: { images: 'images' } } };
const classifier = { inputs: { x: 'x_t', t: 't', class: 'y' }, outputs: { gradient: 'g' } };
const textEncoder = { inputs: { ids: 'ids' }, outputs: { context: 'ctx' }, context_length: 8 };
/** A latent text-to-image denoiser: takes a decoder, a text encoder and a tokenizer, and no classes. */
const textToImage = {
  ...denoiser,
  classes: 0,
  inputs: { x: 'x_t', t: 't', context: 'c' },
  latent,
  text_encoder: textEncoder,
};

function upload(name: string, size = 10): Express.Multer.File {
  return { fieldname: name, path: `/tmp/${name}`, size } as Express.Multer.File;
}

/** The 400 body a check throws. */
function refusal(check: () => unknown): { message: string; issues: Array<{ path: string; message: string }> } {
  try {
    check();
  } catch (err) {
    if (err instanceof BadRequestException) return err.getResponse() as never;
    throw err;
  }
  throw new Error('expected a 400');
}

describe('submission form', () => {
  const form = (files: SubmissionUpload['files'], body: Record<string, unknown>) => readForm({ files, body });

  it('checks visibility, then the file, then the manifest text, with the messages clients have seen', () => {
    expect(refusal(() => form({}, { visibility: 'secret' }))).toMatchObject({
      message: '"visibility" must be "public" or "private"',
      issues: [{ path: 'visibility', message: 'expected "public" or "private"' }],
    });
    expect(refusal(() => form({}, { manifest: '' }))).toMatchObject({
      message: 'the upload has no "file" part: send the ONNX file as multipart field "file"',
      issues: [{ path: 'file', message: 'required' }],
    });
    for (const manifest of [undefined, '  ', 42]) {
      expect(refusal(() => form({ file: upload('file') }, { manifest }))).toMatchObject({
        message: 'the upload has no "manifest" part: send the manifest JSON as multipart field "manifest"',
        issues: [{ path: 'manifest', message: 'required' }],
      });
    }
  });

  it('defaults visibility to public and keeps the manifest text as sent', () => {
    const f = upload('file');
    expect(form({ file: f }, { manifest: ' {} ' })).toEqual({ visibility: 'public', file: f, manifest: ' {} ' });
    expect(form({ file: f }, { manifest: '{}', visibility: 'private' }).visibility).toBe('private');
  });

  it('answers a malformed manifest at manifest.<path>', () => {
    expect(refusal(() => readManifest('{'))).toMatchObject({ message: expect.stringMatching(/^manifest is not valid JSON/) });
    const bad = refusal(() => readManifest(JSON.stringify({ ...denoiser, resolution: -1 })));
    expect(bad.issues[0]!.path).toBe('manifest.resolution');
  });
});

describe('companion files', () => {
  const plain = parseManifest(denoiser);
  const needsBoth = parseManifest({ ...denoiser, latent, classifier });

  it('refuses an empty main file before any companion', () => {
    expect(refusal(() => readCompanions(upload('file', 0), needsBoth, {}))).toMatchObject({
      message: 'the uploaded file is empty',
      issues: [{ path: 'file', message: 'empty file' }],
    });
  });

  it('keeps the decoder and classifier messages', () => {
    const messages = Object.fromEntries(COMPANION_FILES.map((c) => [c.role, c.messages]));
    expect(messages).toMatchObject({
      decoder: {
        missing: 'a latent denoiser needs its decoder: send the decoder ONNX as multipart field "decoder"',
        unexpected: 'a "decoder" file was sent, but the manifest declares no latent space',
        empty: 'the uploaded decoder is empty',
      },
      classifier: {
        missing: 'the manifest declares a classifier: send its gradient ONNX as multipart field "classifier"',
        unexpected: 'a "classifier" file was sent, but the manifest declares no classifier',
        empty: 'the uploaded classifier is empty',
      },
    });
  });

  // Every row is checked with a manifest that requires it, beside the other companions that manifest needs.
  const needing = [needsBoth, parseManifest(textToImage)];
  for (const spec of COMPANION_FILES) {
    it(`${spec.role}: required by its manifest, refused by the others, never empty`, () => {
      const manifest = needing.find((m) => spec.requiredBy(m));
      expect(manifest, `a test manifest requiring ${spec.role}`).toBeDefined();
      const others = Object.fromEntries(COMPANION_FILES.filter((c) => c.requiredBy(manifest!)).map((c) => [c.field, upload(c.field)]));
      expect(refusal(() => readCompanions(upload('file'), manifest!, { ...others, [spec.field]: undefined }))).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: spec.messages.missing,
        issues: [{ path: spec.field, message: 'required' }],
      });
      expect(refusal(() => readCompanions(upload('file'), plain, { [spec.field]: upload(spec.field) }))).toMatchObject({
        message: spec.messages.unexpected,
        issues: [{ path: spec.field, message: 'unexpected' }],
      });
      expect(refusal(() => readCompanions(upload('file'), manifest!, { ...others, [spec.field]: upload(spec.field, 0) }))).toMatchObject({
        message: spec.messages.empty,
        issues: [{ path: spec.field, message: 'empty file' }],
      });
    });
  }

  it('returns the companions a manifest needs, in table order, and none for a plain one', () => {
    const files = Object.fromEntries(COMPANION_FILES.map((c) => [c.field, upload(c.field)]));
    const pick = (...fields: string[]) => Object.fromEntries(fields.map((f) => [f, files[f]]));
    expect(readCompanions(upload('file'), needsBoth, pick('decoder', 'classifier')).map((c) => c.spec.role)).toEqual([
      'decoder',
      'classifier',
    ]);
    expect(
      readCompanions(upload('file'), parseManifest(textToImage), pick('decoder', 'text_encoder', 'tokenizer')).map((c) => c.spec.role),
    ).toEqual(['decoder', 'text_encoder', 'tokenizer']);
    expect(readCompanions(upload('file'), parseManifest({ ...denoiser, latent }), { decoder: files.decoder })).toHaveLength(1);
    expect(readCompanions(upload('file'), plain, {})).toEqual([]);
  });

  it('derives the multipart fields and the OpenAPI form from the table', () => {
    expect(UPLOAD_FIELDS).toEqual(['file', 'decoder', 'classifier', 'text_encoder', 'tokenizer']);
    expect(new Set(UPLOAD_FIELDS).size).toBe(UPLOAD_FIELDS.length);
    for (const c of COMPANION_FILES) expect(Object.keys(SubmitModelForm.shape)).toContain(c.field);
  });
});
