import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Skeleton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useDataProvider } from 'react-admin';
import type { Evaluation, EvaluationSamples, SampleCondition } from '../api-types';
import type { GenbenchDataProvider } from '../data-provider';
import { useImage } from './SampleGrid';

/** The condition a sample answered, as a reader says it: the prompt, the class label, or "unconditional". */
export function conditionText(c: SampleCondition | undefined): string {
  if (!c) return '—';
  if (typeof c.prompt === 'string') return c.prompt;
  if (typeof c.instruction === 'string') return `instruction: ${c.instruction}`;
  if (typeof c.caption === 'string') return `caption: ${c.caption}`;
  if (typeof c.class_label === 'number') return `class ${c.class_label}`;
  if (c.images && Object.keys(c.images).length > 0) return `image condition (${Object.keys(c.images).join(', ')})`;
  return 'unconditional';
}

/** The kept samples of an evaluation (GET /api/evaluations/:id/samples); none until the runner stored them. */
export function useKeptSamples(evaluationId: string | undefined, refreshKey?: unknown): { data?: EvaluationSamples; error?: string } {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const [state, setState] = useState<{ data?: EvaluationSamples; error?: string }>({});
  useEffect(() => {
    if (!evaluationId) return;
    let live = true;
    dataProvider.evaluationSamples(evaluationId).then(
      (data) => live && setState({ data }),
      (err: Error) => live && setState({ error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [dataProvider, evaluationId, refreshKey]);
  return state;
}

/** The kept samples of several evaluations, in their order; an evaluation that fails to load has none. */
function useKeptSamplesOf(ids: readonly string[]): Array<EvaluationSamples | undefined> {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const [loaded, setLoaded] = useState<Array<EvaluationSamples | undefined>>([]);
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    void Promise.all(key.split(',').map((id) => dataProvider.evaluationSamples(id).catch(() => undefined))).then(
      (all) => live && setLoaded(all),
    );
    return () => {
      live = false;
    };
  }, [dataProvider, key]);
  return loaded;
}

/** One kept sample, scaled without smoothing (smoke suites' samples are 32 px). */
export const SampleImage = ({
  url,
  alt,
  size = 128,
  testId = 'kept-sample-image',
}: {
  url: string;
  alt: string;
  size?: number;
  testId?: string;
}) => {
  const { src, error } = useImage(url);
  if (src)
    return (
      <Box
        component="img"
        src={src}
        alt={alt}
        data-testid={testId}
        sx={{ width: size, height: size, display: 'block', imageRendering: 'pixelated', borderRadius: 0.5, bgcolor: 'action.hover' }}
      />
    );
  if (error)
    return (
      <Box sx={{ width: size, height: size, display: 'grid', placeItems: 'center', bgcolor: 'action.hover', borderRadius: 0.5 }}>
        <Typography variant="caption" color="text.secondary">
          {error}
        </Typography>
      </Box>
    );
  return <Skeleton variant="rectangular" width={size} height={size} />;
};

const FIRST = 16;
const TRIPLETS_FIRST = 8;

type KeptSample = EvaluationSamples['items'][number];

/**
 * An image-conditioned sample: the condition it answered (with the instruction or caption it was given, if any),
 * its output and the target it is scored against.
 */
const Triplet = ({ s }: { s: KeptSample & { conditionImages: { input: string; target: string } } }) => {
  const cells = [
    { role: 'input', url: s.conditionImages.input },
    { role: 'output', url: s.image },
    { role: 'target', url: s.conditionImages.target },
  ];
  // The instruction or caption fed with the input image (instruction editing, text-guided control).
  const said =
    typeof s.condition.instruction === 'string'
      ? `“${s.condition.instruction}”`
      : typeof s.condition.caption === 'string'
        ? `“${s.condition.caption}”`
        : undefined;
  return (
    <TableRow data-testid={`kept-triplet-${s.index}`}>
      <TableCell>
        <Typography variant="caption" color="text.secondary">
          #{s.index}
        </Typography>
      </TableCell>
      {cells.map((c) => (
        <TableCell key={c.role} align="center">
          <Box sx={{ display: 'inline-block' }}>
            <SampleImage url={c.url} alt={`sample ${s.index}: ${c.role}`} size={96} testId={`kept-triplet-${c.role}`} />
          </Box>
          {c.role === 'input' && said && (
            <Typography variant="caption" component="div" sx={{ maxWidth: 160, mx: 'auto' }} data-testid="kept-triplet-text">
              {said}
            </Typography>
          )}
        </TableCell>
      ))}
    </TableRow>
  );
};

const hasInputAndTarget = (s: KeptSample): s is KeptSample & { conditionImages: { input: string; target: string } } =>
  typeof s.conditionImages?.input === 'string' && typeof s.conditionImages.target === 'string';

/** Image-conditioned kept samples as input | output | target rows (inputs are shown at their own size, scaled up). */
const TripletsTable = ({ items }: { items: KeptSample[] }) => {
  const [all, setAll] = useState(false);
  const triplets = items.filter(hasInputAndTarget);
  const shown = all ? triplets : triplets.slice(0, TRIPLETS_FIRST);
  return (
    <Box data-testid="kept-samples" sx={{ overflowX: 'auto' }}>
      <Table size="small" data-testid="kept-triplets">
        <TableHead>
          <TableRow>
            <TableCell>Index</TableCell>
            <TableCell align="center">Input</TableCell>
            <TableCell align="center">Output</TableCell>
            <TableCell align="center">Target</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map((s) => (
            <Triplet key={s.index} s={s} />
          ))}
        </TableBody>
      </Table>
      {triplets.length > TRIPLETS_FIRST && (
        <Button size="small" sx={{ mt: 1 }} onClick={() => setAll(!all)}>
          {all ? `Show the first ${TRIPLETS_FIRST}` : `Show all ${triplets.length}`}
        </Button>
      )}
    </Box>
  );
};

/**
 * The evaluation page's condition + image pairs: the prompt (or class label) each of the first samples answered.
 * A video evaluation's samples are animated WebPs, which an <img> plays as it is.
 */
export const KeptSamplesPanel = ({ evaluation }: { evaluation: Evaluation }) => {
  const { data, error } = useKeptSamples(evaluation.id, evaluation.status);
  const [all, setAll] = useState(false);
  if (error) return <Alert severity="warning">Could not load the kept samples: {error}</Alert>;
  if (!data || data.items.length === 0) return null;
  if (data.items.some(hasInputAndTarget)) return <TripletsTable items={data.items} />;
  const shown = all ? data.items : data.items.slice(0, FIRST);
  return (
    <Box data-testid="kept-samples">
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))', gap: 2 }}>
        {shown.map((s) => (
          <Box component="figure" key={s.index} sx={{ m: 0 }} data-testid={`kept-sample-${s.index}`}>
            <SampleImage url={s.image} alt={`sample ${s.index}: ${conditionText(s.condition)}`} size={128} />
            <Typography component="figcaption" variant="caption" sx={{ display: 'block', mt: 0.5 }} data-testid="kept-sample-condition">
              <Typography component="span" variant="caption" color="text.secondary">
                #{s.index}{' '}
              </Typography>
              {conditionText(s.condition)}
              {s.mediaType === 'image/webp' && (
                <Typography component="span" variant="caption" color="text.secondary" data-testid="kept-sample-animated">
                  {' '}
                  · animated
                </Typography>
              )}
            </Typography>
          </Box>
        ))}
      </Box>
      {data.items.length > FIRST && (
        <Button size="small" sx={{ mt: 1 }} onClick={() => setAll(!all)}>
          {all ? `Show the first ${FIRST}` : `Show all ${data.items.length}`}
        </Button>
      )}
    </Box>
  );
};

const COMPARE_FIRST = 8;

/**
 * Two to four models' samples of the same indices side by side: same suite, so the same prompt or class and
 * the same seed per row. A row whose conditions differ (scores from different suite versions) says so.
 */
export const SamplesSideBySide = ({ evaluations }: { evaluations: Evaluation[] }) => {
  const [all, setAll] = useState(false);
  const loaded = useKeptSamplesOf(evaluations.map((e) => e.id));
  const kept = evaluations.map((e, i) => ({ e, samples: new Map((loaded[i]?.items ?? []).map((s) => [s.index, s])) }));
  const indices = [...new Set(kept.flatMap((k) => [...k.samples.keys()]))].sort((a, b) => a - b);
  if (indices.length === 0) return null;
  const shown = all ? indices : indices.slice(0, COMPARE_FIRST);
  return (
    <Card variant="outlined" sx={{ mt: 2 }} data-testid="compare-kept-samples">
      <CardContent sx={{ overflowX: 'auto' }}>
        <Typography variant="h6" gutterBottom>
          Same conditions, side by side
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Each row is one sample index of the suite: the same prompt or class and the same seed for every model.
        </Typography>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Condition</TableCell>
              {kept.map(({ e }) => (
                <TableCell key={e.id} align="center" data-testid="compare-kept-model">
                  {e.model.name} v{e.model.version}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map((i) => {
              const conditions = kept.map((k) => k.samples.get(i)?.condition).filter((c) => c !== undefined);
              const texts = new Set(conditions.map((c) => JSON.stringify(c)));
              return (
                <TableRow key={i} data-testid={`compare-kept-row-${i}`}>
                  <TableCell sx={{ maxWidth: 260 }}>
                    <Typography variant="caption" color="text.secondary">
                      #{i}{' '}
                    </Typography>
                    <span data-testid="compare-kept-condition">{conditionText(conditions[0])}</span>
                    {(() => {
                      // An image-conditioned suite: the input every model answered, and the target, beside the outputs.
                      const first = kept.map((k) => k.samples.get(i)).find((x) => x !== undefined);
                      if (!first || !hasInputAndTarget(first)) return null;
                      return (
                        <Box sx={{ display: 'flex', gap: 1, mt: 0.5 }}>
                          {(['input', 'target'] as const).map((role) => (
                            <Box key={role} component="figure" sx={{ m: 0 }}>
                              <SampleImage
                                url={first.conditionImages[role]}
                                alt={`${role} ${i}`}
                                size={64}
                                testId={`compare-kept-${role}`}
                              />
                              <Typography component="figcaption" variant="caption" color="text.secondary">
                                {role}
                              </Typography>
                            </Box>
                          ))}
                        </Box>
                      );
                    })()}
                    {texts.size > 1 && (
                      <Typography variant="caption" color="warning.main" component="div">
                        conditions differ between these scores
                      </Typography>
                    )}
                  </TableCell>
                  {kept.map(({ e, samples }) => {
                    const s = samples.get(i);
                    return (
                      <TableCell key={e.id} align="center">
                        {s ? (
                          <Box sx={{ display: 'inline-block' }}>
                            <SampleImage url={s.image} alt={`${e.model.name} v${e.model.version}, sample ${i}`} size={96} />
                          </Box>
                        ) : (
                          <Typography variant="caption" color="text.secondary">
                            —
                          </Typography>
                        )}
                      </TableCell>
                    );
                  })}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
        {indices.length > COMPARE_FIRST && (
          <Button size="small" sx={{ mt: 1 }} onClick={() => setAll(!all)}>
            {all ? `Show the first ${COMPARE_FIRST}` : `Show all ${indices.length}`}
          </Button>
        )}
      </CardContent>
    </Card>
  );
};
