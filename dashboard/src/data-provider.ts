import {
  type CreateParams,
  type CreateResult,
  type DataProvider,
  type DeleteParams,
  type DeleteResult,
  type GetListParams,
  type GetListResult,
  type GetManyParams,
  type GetManyResult,
  type RaRecord,
  type SortPayload,
  type UpdateParams,
  type UpdateResult,
  fetchUtils,
  HttpError,
} from 'react-admin';
import type {
  ArenaBoard,
  ArenaChoice,
  ArenaPair,
  ArenaVote,
  Board,
  BoardPage,
  Evaluation,
  EvaluationSamples,
  LeaderboardEntry,
  MetricInfo,
  ReconcileReport,
  Schedule,
  SubmitResult,
  Suite,
  SuitePreview,
  Visibility,
  Whoami,
} from './api-types';
import { readToken } from './auth/token-store';
import { withValidationErrors } from './common/form-errors';
import { sha256OfFile, tusUpload } from './submit/tus-upload';

/**
 * The only module that talks HTTP. The API lives at the same origin under /api and validates its query
 * strings strictly, so each resource forwards only the filters the API knows. Sorting and pagination the
 * API does not offer (suites, schedules, leaderboard entries by another column than rank) are done here, so
 * the views stay API-shaped. The stored token goes with every request: read endpoints then include the
 * caller's private entries (all of them for an admin), and admin endpoints accept it.
 *
 * Resources beyond the API's paths: `leaderboards` lists the boards (suite and total), `leaderboard-entries`
 * one board's entries (filter `suite` names it), both from GET /api/leaderboards; `tokens` is
 * /api/admin/tokens (create answers the secret, once; delete revokes). Writes to `tokens` and `schedules`
 * reject with react-admin's server-side validation shape (`body.errors`), so their forms show each issue
 * under its input.
 */
const API = '/api';

const FILTERS: Record<string, readonly string[]> = {
  models: ['kind', 'owner'],
  evaluations: ['status', 'modelId', 'suiteId', 'owner', 'trigger'],
  leaderboards: ['task', 'resolution', 'suite', 'protocol', 'versions'],
  'leaderboard-entries': ['task', 'resolution', 'suite', 'protocol', 'versions'],
  tokens: ['owner', 'role', 'state'],
};

/** The API's ceiling for one board's page (GET /api/leaderboards `limit`). */
const MAX_BOARD_PAGE = 1000;
/** The API's ceiling for `ids` in GET /api/evaluations. */
const MAX_IDS = 100;

/** The inputs of the forms that write each resource: an API issue on another path is the form's general error. */
export const FORM_FIELDS = {
  tokens: ['name', 'role', 'owner', 'dailyQuota', 'expiresInDays'],
  schedules: ['name', 'cron', 'timezone', 'scope', 'suiteId', 'modelId', 'enabled'],
} as const satisfies Record<string, readonly string[]>;

type Writable = keyof typeof FORM_FIELDS;
const isWritable = (resource: string): resource is Writable => resource in FORM_FIELDS;

/** A list's filter values as react-admin holds them (it types them `any`): the inputs here set only scalars. */
export type FilterValues = Record<string, string | number | boolean | null | undefined>;

const filterOf = (params: GetListParams) => (params.filter ?? {}) as FilterValues;

function query(resource: string, filter: FilterValues, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTERS[resource] ?? []) {
    const v = filter[key];
    if (v !== undefined && v !== null && v !== '') params.set(key, String(v));
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

function headers(token = readToken()): Headers {
  const h = new Headers({ Accept: 'application/json' });
  if (token) h.set('Authorization', `Bearer ${token}`);
  return h;
}

/** JSON in and out; rejects with an HttpError whose `body` is the API's error JSON (`issues` included). */
async function call<T>(
  path: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  const h = headers(init.token);
  for (const [k, v] of Object.entries(init.headers ?? {})) h.set(k, v);
  const res = await fetchUtils.fetchJson(`${API}${path}`, {
    method: init.method ?? 'GET',
    headers: h,
    body: init.body === undefined ? undefined : init.body instanceof FormData ? init.body : JSON.stringify(init.body),
  });
  return res.json as T;
}

/** Non-JSON bodies (CSV, PNG) with the same error shape as `call`. */
async function fetchRaw(path: string): Promise<Response> {
  // Paths from the API (sample grids) already start with /api.
  const res = await fetch(path.startsWith(`${API}/`) ? path : `${API}${path}`, { headers: headers() });
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => null);
    throw new HttpError((body as { message?: string } | null)?.message ?? res.statusText, res.status, body);
  }
  return res;
}

function compare(a: unknown, b: unknown): number {
  // Missing values sort last whatever the order, so an unscored metric never tops a column.
  if (a == null && b == null) return 0;
  if (a == null) return 1;
  if (b == null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // JSON values: strings as they are, anything else as JSON (an object never as "[object Object]").
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  return text(a).localeCompare(text(b));
}

const pick = (record: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), record);

export function sortRecords<T>(records: T[], sort: SortPayload | undefined): T[] {
  if (!sort?.field) return records;
  const sign = sort.order === 'DESC' ? -1 : 1;
  return [...records].sort((x, y) => {
    const a = pick(x, sort.field);
    const b = pick(y, sort.field);
    if (a == null || b == null) return compare(a, b);
    return sign * compare(a, b);
  });
}

function sortEntries(entries: LeaderboardEntry[], sort: SortPayload | undefined): LeaderboardEntry[] {
  // A sort on a metric this board does not report keeps the board's own ranking.
  if (!sort?.field || !entries.some((e) => pick(e, sort.field) != null)) return entries;
  return sortRecords(entries, sort);
}

const byRank = (sort: SortPayload | undefined) => !sort?.field || (sort.field === 'rank' && sort.order !== 'DESC');
/** The board's arena order (rated, then too few votes, then unrated) is the API's (`sort=arena`), paged there too. */
export const ARENA_SORT_FIELD = 'arena.rating';
const byArena = (sort: SortPayload | undefined) => sort?.field === ARENA_SORT_FIELD;
/** Orders the API pages itself: the window it is asked for is the page. */
const apiOrdered = (sort: SortPayload | undefined) => byRank(sort) || byArena(sort);

type ApiBoard = Omit<BoardPage, 'id' | 'entries'> & { entries: Array<Omit<LeaderboardEntry, 'id'>> };

/**
 * The API pages each board in rank order. Another order needs the whole board (up to the API's ceiling)
 * sorted here before one page is cut from it, or page 2 would not continue page 1. Entries get the
 * evaluation id as their `id`, boards the suite id.
 */
export function boardPages(boards: ApiBoard[], params: Pick<GetListParams, 'pagination' | 'sort'>): BoardPage[] {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 100 };
  const ranked = apiOrdered(params.sort);
  return boards.map((b) => {
    const entries = b.entries.map((e) => ({ ...e, id: e.evaluationId }));
    return {
      ...b,
      id: b.suite.id,
      entries: ranked ? entries : sortEntries(entries, params.sort).slice((page - 1) * perPage, page * perPage),
    };
  });
}

type BoardWindow = { sort?: 'arena'; limit: number; offset: number };

/** The window of entries to ask the API for: the page itself in rank or arena order, else the whole board. */
function boardWindow(params: Pick<GetListParams, 'pagination' | 'sort'>): BoardWindow {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 100 };
  const window = { limit: Math.min(perPage, MAX_BOARD_PAGE), offset: (page - 1) * perPage };
  if (byArena(params.sort)) return { sort: 'arena', ...window };
  return byRank(params.sort) ? window : { limit: MAX_BOARD_PAGE, offset: 0 };
}

async function fetchBoards(params: GetListParams, window: BoardWindow): Promise<ApiBoard[]> {
  return (await call<{ boards: ApiBoard[] }>(`/leaderboards${query('leaderboards', filterOf(params), window)}`)).boards;
}

/**
 * The boards the filters select, in the API's order, each with its total: one entry per board is asked for,
 * since each board lists its own entries (`leaderboard-entries`).
 */
async function getLeaderboards(params: GetListParams): Promise<GetListResult<Board>> {
  const data = (await fetchBoards(params, { limit: 1, offset: 0 })).map(({ suite, total }) => ({ id: suite.id, suite, total }));
  return { data, total: data.length };
}

/** One board's page of entries; `filter.suite` names the board (the other filters are the leaderboard's). */
async function getLeaderboardEntries(params: GetListParams): Promise<GetListResult<LeaderboardEntry>> {
  const suite = filterOf(params).suite;
  if (!suite) return Promise.reject(new HttpError('leaderboard-entries needs a suite filter', 400, null));
  const board = boardPages(await fetchBoards(params, boardWindow(params)), params).find((b) => b.id === suite);
  return { data: board?.entries ?? [], total: board?.total ?? 0 };
}

async function getSuites(params: GetListParams): Promise<GetListResult<Suite>> {
  const suites = await call<Suite[]>('/suites');
  const filter = filterOf(params);
  const filtered = suites.filter(
    (s) =>
      (!filter.task || s.task === filter.task) &&
      (!filter.resolution || s.resolution === Number(filter.resolution)) &&
      (!filter.q || `${s.id} ${s.description}`.toLowerCase().includes(String(filter.q).toLowerCase())),
  );
  return paginate(sortRecords(filtered, params.sort), params);
}

function paginate<T extends RaRecord>(records: T[], params: GetListParams): GetListResult<T> {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: records.length };
  return { data: records.slice((page - 1) * perPage, page * perPage), total: records.length };
}

async function getPaged(resource: string, params: GetListParams, base = `/${resource}`): Promise<GetListResult> {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 50 };
  const limit = Math.min(perPage, 500);
  const path = `${base}${query(resource, filterOf(params), { limit, offset: (page - 1) * perPage })}`;
  const { total, items } = await call<{ total: number; items: RaRecord[] }>(path);
  return { data: items, total };
}

/** One request per 100 evaluations (GET /api/evaluations?ids=…), returned in the order asked for. */
async function getEvaluations(ids: readonly RaRecord['id'][]): Promise<Evaluation[]> {
  const found = new Map<string, Evaluation>();
  for (let i = 0; i < ids.length; i += MAX_IDS) {
    const chunk = ids.slice(i, i + MAX_IDS).map(String);
    const { items } = await call<{ items: Evaluation[] }>(
      `/evaluations?${new URLSearchParams({ ids: chunk.join(','), limit: String(chunk.length) })}`,
    );
    for (const e of items) found.set(e.id, e);
  }
  return ids.flatMap((id) => found.get(String(id)) ?? []);
}

const notSupported = (what: string) => () => Promise.reject(new HttpError(`${what} is not supported by the genbench API`, 405, null));

export interface SubmitModelInput {
  token: string;
  file: File;
  /** The decoder ONNX of a latent denoiser (submission field `decoder`). */
  decoder?: File;
  /** A text-conditioned model's text encoder ONNX and tokenizer.json (submission fields `text_encoder`, `tokenizer`). */
  textEncoder?: File;
  tokenizer?: File;
  manifest: string;
  visibility: Visibility;
  /** Bytes sent so far of each file (by submission field), as the tus uploads go. */
  onProgress?: (field: string, sent: number, total: number) => void;
}

/** The paths of each writable resource's records (POST to the collection; PATCH and DELETE to one record). */
const WRITE_PATHS: Record<Writable, string> = { tokens: '/admin/tokens', schedules: '/schedules' };

/** A write whose rejection carries `body.errors` for the resource's form (react-admin's server-side validation). */
async function write<T>(resource: Writable, path: string, init: { method: string; body?: unknown }): Promise<T> {
  try {
    return await call<T>(path, init);
  } catch (err) {
    throw withValidationErrors(err, FORM_FIELDS[resource]);
  }
}

export interface GenbenchDataProvider extends DataProvider {
  /** POST /api/models (multipart). Rejects with an HttpError whose `body` is the API's error JSON. */
  submitModel(input: SubmitModelInput): Promise<SubmitResult>;
  /** POST /api/suites/preview: the suites a submission of this manifest would go to, and those it would skip and why. */
  previewSuites(manifest: string): Promise<SuitePreview>;
  /** GET /api/auth/whoami with the given token (default: the stored one). */
  whoami(token?: string): Promise<Whoami>;
  cancelEvaluation(id: string): Promise<Evaluation>;
  retryEvaluation(id: string): Promise<Evaluation>;
  reconcile(): Promise<ReconcileReport>;
  /** The server's export of every entry (not only the page shown) as the file it would download. */
  exportLeaderboards(filter: FilterValues, format: 'csv' | 'json'): Promise<{ content: string; filename: string }>;
  /** A PNG the API serves (sample grids), fetched with the token so private entries' grids load too. */
  fetchImage(url: string): Promise<Blob>;
  /** GET /api/evaluations/:id/samples: the kept samples (index, condition, PNG URL), under the evaluation's visibility. */
  evaluationSamples(id: string): Promise<EvaluationSamples>;
  /** POST /api/arena/pairs as the stored token, or else as this browser's anonymous arena session (created once). */
  arenaPair(suiteId: string): Promise<ArenaPair>;
  arenaVote(pairId: string, choice: ArenaChoice): Promise<ArenaVote>;
  arenaBoard(suiteId: string): Promise<ArenaBoard>;
}

const ARENA_SESSION_KEY = 'genbench.arenaSession';

/** The voter's credentials: the stored token when there is one (sent anyway), else an anonymous session kept in this browser. */
async function arenaVoter(): Promise<Record<string, string>> {
  if (readToken()) return {};
  let session = localStorage.getItem(ARENA_SESSION_KEY);
  if (!session) {
    session = (await call<{ token: string }>('/arena/sessions', { method: 'POST', body: {} })).token;
    localStorage.setItem(ARENA_SESSION_KEY, session);
  }
  return { 'X-Arena-Session': session };
}

export const dataProvider: GenbenchDataProvider = {
  getList: async (resource, params) => {
    switch (resource) {
      case 'leaderboards':
        return getLeaderboards(params) as Promise<GetListResult>;
      case 'leaderboard-entries':
        return getLeaderboardEntries(params) as Promise<GetListResult>;
      case 'suites':
        return getSuites(params) as Promise<GetListResult>;
      case 'metrics':
        return paginate(await call<MetricInfo[]>('/metrics'), params);
      case 'schedules':
        return paginate(sortRecords(await call<Schedule[]>('/schedules'), params.sort), params);
      // Admin only, newest first (the API's one order).
      case 'tokens':
        return getPaged('tokens', params, '/admin/tokens');
      default:
        return getPaged(resource, params);
    }
  },
  getOne: async (resource, params) => ({
    data: await call(`/${resource}/${encodeURIComponent(String(params.id))}`),
  }),
  getMany: async <R extends RaRecord>(resource: string, params: GetManyParams<R>): Promise<GetManyResult<R>> => {
    if (resource === 'evaluations') return { data: (await getEvaluations(params.ids)) as unknown as R[] };
    return { data: await Promise.all(params.ids.map((id) => call<R>(`/${resource}/${encodeURIComponent(String(id))}`))) };
  },
  getManyReference: (resource, params) =>
    dataProvider.getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } }),
  // Tokens (issued: the answer holds the secret) and schedules are written through react-admin's calls;
  // everything else through its own method below.
  create: async <R extends RaRecord>(resource: string, params: CreateParams): Promise<CreateResult<R>> => {
    if (!isWritable(resource)) return notSupported(`create ${resource}`)();
    return { data: await write<R>(resource, WRITE_PATHS[resource], { method: 'POST', body: params.data }) };
  },
  update: async <R extends RaRecord>(resource: string, params: UpdateParams): Promise<UpdateResult<R>> => {
    if (resource !== 'schedules') return notSupported(`update ${resource}`)();
    const path = `/schedules/${encodeURIComponent(String(params.id))}`;
    return { data: await write<R>(resource, path, { method: 'PATCH', body: params.data }) };
  },
  /**
   * Deleting a token revokes it (the API answers the revoked token); the API refuses (409) the token of
   * the request itself unless `meta.self`. Deleting a schedule answers nothing, so the previous record is returned.
   */
  delete: async <R extends RaRecord>(resource: string, params: DeleteParams<R>): Promise<DeleteResult<R>> => {
    if (!isWritable(resource)) return notSupported(`delete ${resource}`)();
    const self = resource === 'tokens' && (params.meta as { self?: boolean } | undefined)?.self ? '?self=true' : '';
    const path = `${WRITE_PATHS[resource]}/${encodeURIComponent(String(params.id))}${self}`;
    const answer = await write<R | undefined>(resource, path, { method: 'DELETE' });
    return { data: (resource === 'tokens' && answer ? answer : (params.previousData ?? { id: params.id })) as R };
  },
  updateMany: notSupported('updateMany'),
  deleteMany: notSupported('deleteMany'),

  submitModel: async ({ token, file, decoder, textEncoder, tokenizer, manifest, visibility, onProgress }) => {
    // Each file goes up through tus (resumable, see submit/tus-upload.ts); the submission then names the
    // finished uploads with their sha256, and the API validates it exactly as it does a multipart one.
    const files = Object.entries({ file, decoder, text_encoder: textEncoder, tokenizer }).filter(
      (e): e is [string, File] => e[1] !== undefined,
    );
    const uploads: Record<string, string> = {};
    const sha256: Record<string, string> = {};
    for (const [field, f] of files) {
      sha256[field] = await sha256OfFile(f);
      uploads[field] = await tusUpload({
        file: f,
        sha256: sha256[field],
        token,
        field,
        onProgress: (sent, total) => onProgress?.(field, sent, total),
      });
    }
    return call<SubmitResult>('/models', { method: 'POST', body: { manifest, visibility, uploads, sha256 }, token });
  },
  previewSuites: (manifest) => call<SuitePreview>('/suites/preview', { method: 'POST', body: { manifest } }),
  whoami: (token) => call<Whoami>('/auth/whoami', { token }),
  cancelEvaluation: (id) => call<Evaluation>(`/evaluations/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
  retryEvaluation: (id) => call<Evaluation>(`/evaluations/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
  reconcile: () => call<ReconcileReport>('/admin/reconcile', { method: 'POST' }),
  exportLeaderboards: async (filter, format) => {
    const res = await fetchRaw(`/leaderboards/export${query('leaderboards', filter, { format })}`);
    const filename = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? `genbench-leaderboard.${format}`;
    return { content: await res.text(), filename };
  },
  fetchImage: async (url) => (await fetchRaw(url)).blob(),
  evaluationSamples: (id) => call<EvaluationSamples>(`/evaluations/${encodeURIComponent(id)}/samples`),
  arenaPair: async (suiteId) => call<ArenaPair>('/arena/pairs', { method: 'POST', body: { suiteId }, headers: await arenaVoter() }),
  arenaVote: async (pairId, choice) =>
    call<ArenaVote>(`/arena/pairs/${encodeURIComponent(pairId)}/vote`, { method: 'POST', body: { choice }, headers: await arenaVoter() }),
  arenaBoard: (suiteId) => call<ArenaBoard>(`/arena/boards/${encodeURIComponent(suiteId)}`),
};
