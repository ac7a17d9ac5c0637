import { BadRequestException } from '@nestjs/common';
import { type Manifest, ManifestError, parseManifest } from '../../../contracts/manifest/manifest.schemas.js';
import { COMPANION_FILES, type CompanionFile } from './companion-files.js';
import { SUBMISSION_FIELD_HEADLINES, SubmissionFields } from './models.schemas.js';

/**
 * The checks of a submission's form that need neither the files' content nor the database, in the order a
 * client meets them: the form's fields (SubmissionFields), the manifest, then the files the manifest needs
 * (COMPANION_FILES). Each refuses with 400, one problem at a time.
 */

export function badRequest(message: string, issues: Array<{ path: string; message: string }>): never {
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message, issues });
}

/** The parts of a POST /api/models request: multer's files (the first of each field) and the text fields. */
export interface SubmissionUpload {
  files: Partial<Record<string, Express.Multer.File>>;
  body: Record<string, unknown>;
}

/** A companion file the manifest needs, as uploaded. */
export interface Companion {
  spec: CompanionFile;
  upload: Express.Multer.File;
}

/** The visibility, the main file and the manifest text, each present and well formed (SubmissionFields). */
export function readForm(upload: SubmissionUpload): SubmissionFields {
  const parsed = SubmissionFields.safeParse({ ...upload.body, file: upload.files.file });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path[0] as keyof SubmissionFields;
  badRequest(SUBMISSION_FIELD_HEADLINES[field], [{ path: field, message: issue.message }]);
}

export function readManifest(text: string): Manifest {
  try {
    return parseManifest(text);
  } catch (err) {
    if (err instanceof ManifestError)
      badRequest(
        err.message,
        err.issues.map((i) => ({ path: `manifest${i.path ? '.' + i.path : ''}`, message: i.message })),
      );
    throw err;
  }
}

/**
 * Checks the main file is not empty and that the companion files are exactly those the manifest requires
 * (COMPANION_FILES, in its order), none empty.
 */
export function readCompanions(file: Express.Multer.File, manifest: Manifest, files: SubmissionUpload['files']): Companion[] {
  if (file.size === 0) badRequest('the uploaded file is empty', [{ path: 'file', message: 'empty file' }]);
  const companions: Companion[] = [];
  for (const spec of COMPANION_FILES) {
    const upload = files[spec.field];
    const required = spec.requiredBy(manifest);
    if (required && !upload) badRequest(spec.messages.missing, [{ path: spec.field, message: 'required' }]);
    if (upload && !required) badRequest(spec.messages.unexpected, [{ path: spec.field, message: 'unexpected' }]);
    if (upload?.size === 0) badRequest(spec.messages.empty, [{ path: spec.field, message: 'empty file' }]);
    if (upload) companions.push({ spec, upload });
  }
  return companions;
}
