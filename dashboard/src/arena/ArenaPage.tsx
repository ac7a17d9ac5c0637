import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Title, useDataProvider, useGetList } from 'react-admin';
import type { ArenaBoard, ArenaChoice, ArenaPair, ArenaVote, Suite } from '../api-types';
import type { GenbenchDataProvider } from '../data-provider';

const TILE_PX = 256;

/** One side of a pair: that model's kept PNG for the pair's sample index, fetched with the voter's credentials. */
const Tile = ({ url, label }: { url: string; label: string }) => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    void dataProvider.fetchImage(url).then((blob) => {
      objectUrl = URL.createObjectURL(blob);
      if (live) setSrc(objectUrl);
    });
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [dataProvider, url]);
  return (
    <Box
      role="img"
      aria-label={label}
      data-testid={`arena-${label}`}
      sx={{
        width: TILE_PX,
        height: TILE_PX,
        imageRendering: 'pixelated',
        backgroundColor: 'grey.300',
        backgroundImage: src ? `url(${src})` : undefined,
        backgroundSize: '100% 100%',
      }}
    />
  );
};

const fmt = (x: number | null, digits = 0) => (x === null ? '—' : x.toFixed(digits));

/** τ per metric as a dot with its 95% interval on [−1, 1]. */
const AgreementPlot = ({ agreement }: { agreement: ArenaBoard['agreement'] }) => {
  const width = 360;
  const rowH = 26;
  const x = (t: number) => 90 + ((t + 1) / 2) * (width - 110);
  return (
    <svg width={width} height={rowH * agreement.length + 24} role="img" aria-label="Kendall τ per metric">
      <line x1={x(0)} x2={x(0)} y1={0} y2={rowH * agreement.length} stroke="#999" strokeDasharray="3 3" />
      {agreement.map((a, i) => (
        <g key={a.metricId} transform={`translate(0, ${i * rowH + rowH / 2})`}>
          <text x={0} y={4} fontSize={12}>
            {a.metricId}
          </text>
          {a.low !== null && a.high !== null && <line x1={x(a.low)} x2={x(a.high)} y1={0} y2={0} stroke="#1976d2" strokeWidth={2} />}
          {a.tau !== null && <circle cx={x(a.tau)} cy={0} r={4} fill="#1976d2" />}
        </g>
      ))}
      {[-1, 0, 1].map((t) => (
        <text key={t} x={x(t)} y={rowH * agreement.length + 16} fontSize={11} textAnchor="middle">
          {t}
        </text>
      ))}
    </svg>
  );
};

/**
 * The arena: two anonymous models' samples for the same condition, four buttons, the names after the vote;
 * below, the suite's arena board and how each metric agrees with it (Kendall τ with its bootstrap interval).
 */
export const ArenaPage = () => {
  const dataProvider = useDataProvider<GenbenchDataProvider>();
  const { data: suites = [] } = useGetList<Suite>('suites', { pagination: { page: 1, perPage: 500 }, sort: { field: 'id', order: 'ASC' } });
  const [suiteId, setSuiteId] = useState('smoke-32');
  const [pair, setPair] = useState<ArenaPair>();
  const [vote, setVote] = useState<ArenaVote>();
  const [board, setBoard] = useState<ArenaBoard>();
  const [error, setError] = useState<string>();

  const next = useCallback(() => {
    setVote(undefined);
    setError(undefined);
    dataProvider.arenaPair(suiteId).then(setPair, (err: Error) => {
      setPair(undefined);
      setError(err.message);
    });
  }, [dataProvider, suiteId]);
  const loadBoard = useCallback(() => {
    dataProvider.arenaBoard(suiteId).then(setBoard, () => setBoard(undefined));
  }, [dataProvider, suiteId]);
  useEffect(() => {
    next();
    loadBoard();
  }, [next, loadBoard]);

  const cast = (choice: ArenaChoice) => {
    if (!pair) return;
    dataProvider.arenaVote(pair.id, choice).then(setVote, (err: Error) => setError(err.message));
  };

  return (
    <Box sx={{ p: 2 }}>
      <Title title="Arena" />
      <Stack spacing={2}>
        <TextField
          select
          label="Suite"
          value={suiteId}
          onChange={(e) => setSuiteId(e.target.value)}
          sx={{ maxWidth: 320 }}
          data-testid="arena-suite"
        >
          {(suites.some((s) => s.id === suiteId) ? suites : [...suites, { id: suiteId } as Suite]).map((s) => (
            <MenuItem key={s.id} value={s.id}>
              {s.id}
            </MenuItem>
          ))}
        </TextField>
        {error && <Alert severity="info">{error}</Alert>}
        {pair && (
          <Card>
            <CardContent>
              <Typography variant="body2" sx={{ mb: 1 }}>
                Which sample is better? Both models drew sample {pair.sampleIndex} of {pair.suite.id} v{pair.suite.version}: the same
                condition and seed.
              </Typography>
              <Stack direction="row" spacing={2}>
                {(['left', 'right'] as const).map((side) => (
                  <Stack key={side} spacing={1} sx={{ alignItems: 'center' }}>
                    <Tile {...pair[side]} label={side} />
                    <Typography data-testid={`arena-name-${side}`}>
                      {vote ? `${vote[side].model} v${vote[side].version} (${vote[side].owner})` : 'anonymous'}
                    </Typography>
                  </Stack>
                ))}
              </Stack>
              <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
                <Button variant="contained" disabled={!!vote} onClick={() => cast('left')} data-testid="vote-left">
                  Left is better
                </Button>
                <Button variant="outlined" disabled={!!vote} onClick={() => cast('tie')} data-testid="vote-tie">
                  Tie
                </Button>
                <Button variant="outlined" disabled={!!vote} onClick={() => cast('both_bad')} data-testid="vote-both-bad">
                  Both bad
                </Button>
                <Button variant="contained" disabled={!!vote} onClick={() => cast('right')} data-testid="vote-right">
                  Right is better
                </Button>
                {vote && (
                  <Button onClick={next} data-testid="vote-next">
                    Next pair
                  </Button>
                )}
              </Stack>
            </CardContent>
          </Card>
        )}
        {board && (
          <Card>
            <CardContent>
              <Typography variant="h6">Arena board</Typography>
              <Typography variant="body2" color="text.secondary" data-testid="arena-rating-version">
                {board.rating
                  ? `rating v${board.rating.version} from ${board.rating.votes} votes (Bradley–Terry, ties as half wins; 95% bootstrap intervals, ${board.rating.resamples} resamples, seed ${board.rating.seed})`
                  : 'no rating yet: ratings are recomputed by an admin or at the next scheduled firing'}
              </Typography>
              <Table size="small" data-testid="arena-board">
                <TableHead>
                  <TableRow>
                    <TableCell>#</TableCell>
                    <TableCell>model</TableCell>
                    <TableCell align="right">rating</TableCell>
                    <TableCell align="right">95% interval</TableCell>
                    <TableCell align="right">votes</TableCell>
                    <TableCell align="right">{board.suite.primaryMetric}</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {board.entries.map((e, i) => (
                    <TableRow key={`${e.owner}/${e.model}/${e.version}`} data-testid="arena-board-row">
                      <TableCell>{i + 1}</TableCell>
                      <TableCell data-testid="arena-model">{`${e.model} v${e.version}`}</TableCell>
                      <TableCell align="right" data-testid="arena-rating">
                        {fmt(e.rating)}
                      </TableCell>
                      <TableCell align="right">{`${fmt(e.low)} – ${fmt(e.high)}`}</TableCell>
                      <TableCell align="right">{e.votes}</TableCell>
                      <TableCell align="right">{fmt(e.primaryMetric, 3)}</TableCell>
                      <TableCell>{e.note ?? ''}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              <Typography variant="h6" sx={{ mt: 2 }}>
                Agreement with people
              </Typography>
              <Typography variant="body2" color="text.secondary">
                Kendall τ-b between the arena ranking and each metric (oriented so that higher is better), with its 95% bootstrap interval.
              </Typography>
              <Table size="small" data-testid="arena-agreement">
                <TableHead>
                  <TableRow>
                    <TableCell>metric</TableCell>
                    <TableCell align="right">models</TableCell>
                    <TableCell align="right">τ</TableCell>
                    <TableCell align="right">95% interval</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {board.agreement.map((a) => (
                    <TableRow key={a.metricId}>
                      <TableCell>{a.metricId}</TableCell>
                      <TableCell align="right">{a.n}</TableCell>
                      <TableCell align="right">{fmt(a.tau, 2)}</TableCell>
                      <TableCell align="right">{`${fmt(a.low, 2)} – ${fmt(a.high, 2)}`}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {board.agreement.length > 0 && <AgreementPlot agreement={board.agreement} />}
            </CardContent>
          </Card>
        )}
      </Stack>
    </Box>
  );
};
