import type { Manifest } from '../../../contracts/manifest/manifest.schemas.js';
import type { inspectInChild } from '../../../runner/src/api-entry.js';

/** The inspection child's option that receives a companion file's path (runner/src/inspect/run-inspection.ts). */
type InspectionPath = keyof NonNullable<Parameters<typeof inspectInChild>[3]>;

/**
 * A file a submission sends beside its main `file` because its manifest says the model needs it (a latent
 * denoiser's decoder, a guided denoiser's classifier, and the encoders and tokenizers of the task families to
 * come). Each is its own multipart part, is stored by content hash as an extra artifact under `role`, is part
 * of the submission's fingerprint, and is handed to the inspection child.
 */
export interface CompanionFile {
  /** The extra artifact's role (stored with the version, read by the runner as `extraArtifactPaths[role]`). */
  role: string;
  /** The multipart field it is sent in. */
  field: string;
  /** For the OpenAPI form: what the file is and which manifests take it. */
  description: string;
  /** Whether this manifest requires the file; a manifest that does not require it does not accept it either. */
  requiredBy(manifest: Manifest): boolean;
  /** The option of the inspection child that receives its path. */
  inspection: InspectionPath;
  messages: {
    /** The manifest requires it and the upload has no such part. */
    missing: string;
    /** The upload has the part but the manifest takes no such file. */
    unexpected: string;
    /** The part is there but empty. */
    empty: string;
  };
}

/**
 * The companion files, checked in this order after the main file. A new kind of companion is a row here: the
 * controller's multipart fields, the OpenAPI form, the checks, the storage and the fingerprint follow from it.
 */
export const COMPANION_FILES: readonly CompanionFile[] = [
  {
    role: 'decoder',
    field: 'decoder',
    description: 'the decoder ONNX of a latent denoiser (manifest "latent"); no other submission takes one',
    requiredBy: (m) => m.kind === 'denoiser' && m.latent !== undefined,
    inspection: 'decoderPath',
    messages: {
      missing: 'a latent denoiser needs its decoder: send the decoder ONNX as multipart field "decoder"',
      unexpected: 'a "decoder" file was sent, but the manifest declares no latent space',
      empty: 'the uploaded decoder is empty',
    },
  },
  {
    role: 'classifier',
    field: 'classifier',
    description:
      'the classifier-gradient ONNX of a classifier-guided denoiser (manifest "classifier"): (x_t, t, class) → ∇ₓ log p(y | x_t, t); no other submission takes one',
    requiredBy: (m) => m.kind === 'denoiser' && m.classifier !== undefined,
    inspection: 'classifierPath',
    messages: {
      missing: 'the manifest declares a classifier: send its gradient ONNX as multipart field "classifier"',
      unexpected: 'a "classifier" file was sent, but the manifest declares no classifier',
      empty: 'the uploaded classifier is empty',
    },
  },
  {
    role: 'text_encoder',
    field: 'text_encoder',
    description:
      'the text encoder ONNX of a text-conditioned denoiser, generator or image_to_image model (manifest "text_encoder"): token ids [N, L] (+ attention mask) → context [N, L, D] and/or pooled [N, D]',
    requiredBy: (m) => (m.kind === 'denoiser' || m.kind === 'generator' || m.kind === 'image_to_image') && m.text_encoder !== undefined,
    inspection: 'textEncoderPath',
    messages: {
      missing: 'the manifest declares a text_encoder: send its ONNX as multipart field "text_encoder"',
      unexpected: 'a "text_encoder" file was sent, but the manifest declares no text_encoder',
      empty: 'the uploaded text encoder is empty',
    },
  },
  {
    role: 'tokenizer',
    field: 'tokenizer',
    description: 'the Hugging Face tokenizer.json of a text-conditioned model\'s text encoder (manifest "text_encoder")',
    requiredBy: (m) => (m.kind === 'denoiser' || m.kind === 'generator' || m.kind === 'image_to_image') && m.text_encoder !== undefined,
    inspection: 'tokenizerPath',
    messages: {
      missing: 'the manifest declares a text_encoder: send its tokenizer.json as multipart field "tokenizer"',
      unexpected: 'a "tokenizer" file was sent, but the manifest declares no text_encoder',
      empty: 'the uploaded tokenizer is empty',
    },
  },
];

/** The multipart file fields of POST /api/models: the main file, then one per companion. */
export const UPLOAD_FIELDS: readonly string[] = ['file', ...COMPANION_FILES.map((c) => c.field)];
