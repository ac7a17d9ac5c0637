import { z } from 'zod';
import { MODEL_KINDS, VISIBILITIES } from '../../../contracts/enums.js';
import { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import { ErrorBody, apiSchema } from '../common/openapi.js';
import { COMPANION_FILES } from './companion-files.js';
import { EvaluationStatus, EvaluationView, ModelKindName } from '../evaluations/evaluations.schemas.js';

export const ListModelsQuery = z.strictObject({
  kind: z.enum(MODEL_KINDS).optional(),
  owner: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListModelsQuery = z.infer<typeof ListModelsQuery>;
export const ModelId = z.uuid({ message: 'model ids are UUIDs' });

export const Visibility = z.enum(VISIBILITIES);

/**
 * The multipart form of POST /api/models, as OpenAPI shows it. The service reads the parts with
 * `SubmissionFields` and the companion-file table (multer streams the files to disk, and each missing part
 * gets its own message); `manifest` is JSON text parsed with `Manifest`, the submission manifest of
 * contracts/manifest/ (one object schema per `kind`).
 */
export const SubmitModelForm = z.object({
  file: z.file().describe('the ONNX model, or the .npz sample batch of a "samples" submission'),
  ...Object.fromEntries(COMPANION_FILES.map((c) => [c.field, z.file().optional().describe(c.description)])),
  manifest: apiSchema('Manifest', Manifest, 'The submission manifest (README.md, "Manifest"), one schema per `kind`.'),
  visibility: Visibility.default('public').describe(
    "the visibility of the version this submission creates (earlier versions keep theirs): private versions are seen only by the model's owner and admins",
  ),
});

/**
 * The parts of a submission checked before its manifest is parsed, in this order; the first failing one is
 * refused with its `headline` (SUBMISSION_FIELD_HEADLINES) and its issue. The companion files are checked
 * after the manifest, which says which ones it needs (companion-files.ts).
 */
export const SubmissionFields = z.object({
  visibility: z.enum(VISIBILITIES, { error: 'expected "public" or "private"' }).default('public'),
  file: z.custom<Express.Multer.File>((v) => v !== undefined && v !== null, { error: 'required' }),
  manifest: z.string({ error: 'required' }).refine((s) => s.trim() !== '', { error: 'required' }),
});
export type SubmissionFields = z.infer<typeof SubmissionFields>;

export const SUBMISSION_FIELD_HEADLINES: Record<keyof SubmissionFields, string> = {
  visibility: '"visibility" must be "public" or "private"',
  file: 'the upload has no "file" part: send the ONNX file as multipart field "file"',
  manifest: 'the upload has no "manifest" part: send the manifest JSON as multipart field "manifest"',
};

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { error: 'a sha256 is 64 lowercase hex digits' });

/**
 * The JSON form of POST /api/models: the files were sent before as resumable uploads (/api/uploads, tus),
 * and are named here by upload id, each with the sha256 the client computed; a file whose stored bytes hash
 * otherwise is refused (400) before anything is inspected or stored.
 */
export const UploadedSubmission = z.strictObject({
  manifest: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'required: the manifest, as JSON text or an object' }),
  visibility: Visibility.optional(),
  uploads: z
    .partialRecord(z.enum(['file', ...COMPANION_FILES.map((c) => c.field)]), z.string().min(1).max(100))
    .describe('upload id per file field ("file", and the companion files the manifest needs)'),
  sha256: z.partialRecord(z.enum(['file', ...COMPANION_FILES.map((c) => c.field)]), Sha256Hex).describe('sha256 (hex) per uploaded file'),
});
export type UploadedSubmission = z.infer<typeof UploadedSubmission>;

/** 409 on POST /api/models for an exact duplicate: `existing` names the version that has this content. */
export const DuplicateSubmission = apiSchema(
  'DuplicateSubmission',
  ErrorBody.extend({
    existing: z
      .looseObject({ modelId: z.uuid(), modelName: z.string(), version: z.number().int(), versionId: z.uuid(), visibility: Visibility })
      .optional(),
  }),
  'A conflict: an exact duplicate of a stored version (`existing` names it), or a name already used by a model of another kind.',
);

const ExtraArtifactView = z.looseObject({ role: z.string(), sha256: z.string(), size: z.number().int() });

export const SubmitResult = apiSchema(
  'SubmitResult',
  z.looseObject({
    model: z.looseObject({ id: z.uuid(), name: z.string(), owner: z.string(), kind: ModelKindName }),
    version: z.looseObject({
      id: z.uuid(),
      version: z.number().int(),
      artifactSha256: z.string(),
      artifactSize: z.number().int(),
      extraArtifacts: z.array(ExtraArtifactView),
    }),
    /** The evaluations queued for this version, one per matching available suite. */
    evaluations: z.array(
      z.looseObject({ id: z.uuid(), suite: z.looseObject({ id: z.string(), version: z.number().int() }), status: EvaluationStatus }),
    ),
    /** Suites not queued and why (unavailable on this server, sampler mismatch, …). */
    warnings: z.array(z.string()),
  }),
);

export const ModelSummary = apiSchema(
  'ModelSummary',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    owner: z.string(),
    kind: ModelKindName,
    visibility: Visibility.describe(
      'public when one of the versions the caller sees is public, else private (then only its owner or an admin sees it)',
    ),
    createdAt: z.date(),
    /** The newest version the caller sees. */
    latestVersion: z.number().int().nullable(),
  }),
);
export const ModelPage = apiSchema('ModelPage', z.looseObject({ total: z.number().int(), items: z.array(ModelSummary) }));

export const ModelDetail = apiSchema(
  'ModelDetail',
  ModelSummary.omit({ latestVersion: true }).extend({
    /** The versions the caller sees, newest first. */
    versions: z.array(
      z.looseObject({
        id: z.uuid(),
        version: z.number().int(),
        visibility: Visibility.describe(
          "this version's own visibility, as its submission chose it: private versions are seen only by the model's owner and admins",
        ),
        artifactSha256: z.string(),
        artifactSize: z.number().int(),
        extraArtifacts: z.unknown(),
        /** As submitted (normalised by the manifest schema). */
        manifest: z.unknown(),
        createdAt: z.date(),
        evaluations: z.array(EvaluationView),
      }),
    ),
  }),
);
