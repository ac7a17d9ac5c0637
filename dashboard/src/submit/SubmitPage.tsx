import SendIcon from '@mui/icons-material/Send';
import { Alert, Box, Card, CardContent, LinearProgress, Link as MuiLink, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import {
  FileField,
  FileInput,
  Form,
  FormDataConsumer,
  RadioButtonGroupInput,
  required,
  SaveButton,
  TextInput,
  Title,
  useDataProvider,
} from 'react-admin';
import type { SubmitResult, Visibility } from '../api-types';
import { TokenField, useTokenCheck } from '../auth/TokenCheck';
import type { GenbenchDataProvider } from '../data-provider';
import { type Issue, submissionErrors } from './submission-errors';
import { SubmissionProgress } from './SubmissionProgress';
import { SuitePreviewPanel } from './SuitePreview';

export { TOKEN_KEY } from '../auth/token-store';

export const EXAMPLE_MANIFEST = `{
  "name": "tiny-gan",
  "kind": "generator",
  "resolution": 32,
  "classes": 0,
  "inputs": { "noise": "z" },
  "outputs": { "images": "images" },
  "noise_dim": 64,
  "output_range": [-1, 1]
}
`;

const validJson = (value: string) => {
  try {
    JSON.parse(value);
    return undefined;
  } catch (err) {
    return `not valid JSON: ${(err as Error).message}`;
  }
};

interface FormValues {
  file?: { rawFile: File; title?: string };
  decoder?: { rawFile: File; title?: string };
  text_encoder?: { rawFile: File; title?: string };
  tokenizer?: { rawFile: File; title?: string };
  manifest: string;
  visibility: Visibility;
}

/** Whether the manifest text declares a text encoder (a text-to-image model, sent with its encoder and tokenizer). */
function declaresTextEncoder(manifest: string | undefined): boolean {
  try {
    const m = JSON.parse(manifest ?? '') as unknown;
    return typeof m === 'object' && m !== null && (m as { text_encoder?: unknown }).text_encoder != null;
  } catch {
    return false;
  }
}

/** Whether the manifest text declares a latent denoiser (x_t is a latent a second graph decodes). */
function declaresLatent(manifest: string | undefined): boolean {
  try {
    const m = JSON.parse(manifest ?? '') as unknown;
    return typeof m === 'object' && m !== null && 'latent' in m && (m as { latent?: unknown }).latent != null;
  } catch {
    return false;
  }
}

const VISIBILITY_CHOICES = [
  { id: 'public', name: 'Public: on the leaderboard for everyone' },
  { id: 'private', name: 'Private: seen only by you and admins' },
];

const FIELD_LABELS: Record<string, string> = { file: 'model', decoder: 'decoder', text_encoder: 'text encoder', tokenizer: 'tokenizer' };

/** One bar per file being uploaded (tus), with the bytes sent; a dropped connection resumes, so a bar may pause. */
const UploadProgress = ({ progress }: { progress: Record<string, { sent: number; total: number }> }) => (
  <Stack spacing={0.5} data-testid="upload-progress">
    {Object.entries(progress).map(([field, { sent, total }]) => (
      <Box key={field} data-testid="upload-file" data-field={field} data-sent={sent} data-total={total}>
        <Typography variant="body2">
          Uploading {FIELD_LABELS[field] ?? field}: {(sent / 1e6).toFixed(1)} of {(total / 1e6).toFixed(1)} MB
        </Typography>
        <LinearProgress variant="determinate" value={total > 0 ? (100 * sent) / total : 100} />
      </Box>
    ))}
  </Stack>
);

const IssueList = ({ issues, testId }: { issues: Issue[]; testId: string }) =>
  issues.length === 0 ? null : (
    <Box component="ul" data-testid={testId} sx={{ m: 0, mt: 0.5, pl: 2.5, color: 'error.main', fontSize: 13 }}>
      {issues.map((i) => (
        <li key={`${i.path}:${i.message}`} data-testid="issue" data-path={i.path}>
          {i.path && i.path !== 'file' && i.path !== 'manifest' ? (
            <Box component="code" sx={{ fontWeight: 600 }}>
              {i.path}
            </Box>
          ) : null}
          {i.path && i.path !== 'file' && i.path !== 'manifest' ? ': ' : ''}
          {i.message}
        </li>
      ))}
    </Box>
  );

/**
 * Upload an ONNX model with its manifest. The token is checked first (GET /api/auth/whoami), so a wrong
 * one fails before a large upload. Each file goes up resumably (tus, with a progress bar per file), then
 * the submission names the finished uploads. A rejection shows each issue by the input it concerns; an accepted
 * upload is followed live until every evaluation has a score or a failure reason.
 */
export const SubmitPage = () => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const token = useTokenCheck();
  const [issues, setIssues] = useState<Issue[]>([]);
  const [general, setGeneral] = useState<string>();
  const [result, setResult] = useState<SubmitResult>();
  const [progress, setProgress] = useState<Record<string, { sent: number; total: number }>>({});
  // Stable: react-admin's Form resets its values whenever defaultValues change identity.
  const [defaultValues] = useState<FormValues>(() => ({ manifest: EXAMPLE_MANIFEST, visibility: 'public' }));

  const onSubmit = async (values: Partial<FormValues>) => {
    setIssues([]);
    setGeneral(undefined);
    setResult(undefined);
    setProgress({});
    const me = token.me ?? (await token.check());
    if (!me) return {};
    if (me.role === 'runner') {
      token.setError('a runner token cannot submit models: use a submitter or admin token');
      return {};
    }
    try {
      const res = await dataProvider.submitModel({
        token: token.token.trim(),
        file: values.file!.rawFile,
        // Only a latent denoiser has a decoder: a file left in the field after editing the manifest is not sent.
        decoder: declaresLatent(values.manifest) ? values.decoder?.rawFile : undefined,
        textEncoder: declaresTextEncoder(values.manifest) ? values.text_encoder?.rawFile : undefined,
        tokenizer: declaresTextEncoder(values.manifest) ? values.tokenizer?.rawFile : undefined,
        manifest: values.manifest ?? '',
        visibility: values.visibility ?? 'public',
        onProgress: (field, sent, total) => setProgress((p) => ({ ...p, [field]: { sent, total } })),
      });
      setResult(res);
      return undefined;
    } catch (err) {
      const errors = submissionErrors(err);
      if (errors.fields.token) token.setError(errors.fields.token);
      setIssues(errors.issues);
      setGeneral(errors.general);
      const { token: _token, ...fields } = errors.fields;
      return fields;
    }
  };

  const fileIssues = issues.filter((i) => i.path === 'file');
  const decoderIssues = issues.filter((i) => i.path === 'decoder');
  const textIssues = issues.filter((i) => i.path === 'text_encoder' || i.path === 'tokenizer');
  const manifestIssues = issues.filter((i) => i.path === 'manifest' || i.path.startsWith('manifest.'));

  return (
    <Box sx={{ mt: 1, maxWidth: 960 }}>
      <Title title="Submit a model" />
      <Typography variant="h5" component="h1" gutterBottom>
        Submit a model
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        Upload an ONNX file (a latent denoiser: with its decoder) and its manifest. Every suite that scores this kind of model at this
        resolution and is available on this server queues an evaluation (which ones shows under the manifest); this page follows them until
        their scores appear. See the <MuiLink href="/api/docs">API reference</MuiLink> for the manifest fields.
      </Typography>
      <Card variant="outlined">
        <CardContent>
          <Box sx={{ mb: 2 }} data-testid="token-field">
            <TokenField check={token} roles={['submitter', 'admin']} />
          </Box>
          <Form<FormValues> onSubmit={onSubmit} defaultValues={defaultValues} noValidate id="submit-form">
            <Stack spacing={1}>
              <Box data-testid="file-field">
                <FileInput
                  source="file"
                  label="ONNX model"
                  multiple={false}
                  validate={required('choose the .onnx file')}
                  placeholder={<Typography variant="body2">Drop the .onnx file here, or click to choose it</Typography>}
                  options={{ noKeyboard: false }}
                  inputProps={{ 'data-testid': 'file-input' }}
                >
                  <FileField source="src" title="title" />
                </FileInput>
                <IssueList issues={fileIssues} testId="file-issues" />
              </Box>
              <Box data-testid="manifest-field">
                <TextInput
                  source="manifest"
                  label="Manifest (JSON)"
                  multiline
                  minRows={10}
                  validate={[required(), validJson]}
                  slotProps={{
                    htmlInput: { 'data-testid': 'manifest-input', spellCheck: false, style: { fontFamily: 'monospace', fontSize: 13 } },
                  }}
                  helperText={false}
                />
                <IssueList issues={manifestIssues} testId="manifest-issues" />
              </Box>
              <FormDataConsumer<FormValues>>
                {({ formData }) =>
                  declaresLatent(formData.manifest) || decoderIssues.length > 0 ? (
                    <Box data-testid="decoder-field">
                      <FileInput
                        source="decoder"
                        label="Decoder (ONNX)"
                        multiple={false}
                        validate={required('a latent denoiser needs its decoder: choose the decoder .onnx file')}
                        placeholder={
                          <Typography variant="body2">
                            The manifest declares a latent space: drop the decoder .onnx here (it turns latents into images)
                          </Typography>
                        }
                        options={{ noKeyboard: false }}
                        inputProps={{ 'data-testid': 'decoder-input' }}
                      >
                        <FileField source="src" title="title" />
                      </FileInput>
                      <IssueList issues={decoderIssues} testId="decoder-issues" />
                    </Box>
                  ) : null
                }
              </FormDataConsumer>
              <FormDataConsumer<FormValues>>
                {({ formData }) =>
                  declaresTextEncoder(formData.manifest) || textIssues.length > 0 ? (
                    <Box data-testid="text-encoder-field">
                      <FileInput
                        source="text_encoder"
                        label="Text encoder (ONNX)"
                        multiple={false}
                        validate={required('a text-conditioned model needs its text encoder: choose the encoder .onnx file')}
                        placeholder={<Typography variant="body2">The manifest declares a text_encoder: drop its .onnx here</Typography>}
                        options={{ noKeyboard: false }}
                      >
                        <FileField source="src" title="title" />
                      </FileInput>
                      <FileInput
                        source="tokenizer"
                        label="Tokenizer (tokenizer.json)"
                        multiple={false}
                        validate={required('a text-conditioned model needs its tokenizer: choose the Hugging Face tokenizer.json')}
                        placeholder={<Typography variant="body2">Drop the encoder's Hugging Face tokenizer.json here</Typography>}
                        options={{ noKeyboard: false }}
                      >
                        <FileField source="src" title="title" />
                      </FileInput>
                      <IssueList issues={textIssues} testId="text-encoder-issues" />
                    </Box>
                  ) : null
                }
              </FormDataConsumer>
              <FormDataConsumer<FormValues>>{({ formData }) => <SuitePreviewPanel manifest={formData.manifest} />}</FormDataConsumer>
              <RadioButtonGroupInput
                source="visibility"
                label="Visibility"
                choices={VISIBILITY_CHOICES}
                row
                helperText="A private model's scores are ranked, but only you and admins see them."
                data-testid="visibility-input"
              />
              {Object.keys(progress).length > 0 && <UploadProgress progress={progress} />}
              {general && (
                <Alert severity="error" data-testid="submit-error">
                  {general}
                </Alert>
              )}
              <Box>
                <SaveButton label="Submit" icon={<SendIcon />} alwaysEnable data-testid="submit-button" />
              </Box>
            </Stack>
          </Form>
        </CardContent>
      </Card>
      {result && <SubmissionProgress result={result} />}
    </Box>
  );
};
