import {
  type DataProvider,
  type GetListParams,
  type GetListResult,
  type GetManyParams,
  type GetManyResult,
  type RaRecord,
  type SortPayload,
  fetchUtils,
  HttpError,
} from 'react-admin';
import type { Board, LeaderboardEntry, Suite, SubmitResult } from './api-types';

/**
 * The only module that talks HTTP. The API lives at the same origin under /api and validates its query
 * strings strictly, so each resource forwards only the filters the API knows. Sorting and pagination the
 * API does not offer yet (suites, leaderboard entries) are done here, so the views stay API-shaped.
 */
const API = '/api';

const FILTERS: Record<string, readonly string[]> = {
  models: ['kind', 'owner'],
  evaluations: ['status', 'modelId', 'suiteId'],
  leaderboards: ['task', 'resolution', 'suite'],
};

function query(resource: string, filter: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTERS[resource] ?? []) {
    const v = filter[key];
    if (v !== undefined && v !== null && v !== '') params.set(key, String(v));
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function getJson<T>(path: string): Promise<T> {
  const { json } = await fetchUtils.fetchJson(`${API}${path}`);
  return json as T;
}

function compare(a: unknown, b: unknown): number {
  // Missing values sort last whatever the order, so an unscored metric never tops a column.
  if (a == null && b == null) return 0;
  if (a == null) return 1;
  if (b == null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
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

async function getLeaderboards(params: GetListParams): Promise<GetListResult<Board>> {
  const { boards } = await getJson<{ boards: Array<Omit<Board, 'id'>> }>(`/leaderboards${query('leaderboards', params.filter ?? {})}`);
  const data = boards.map((b) => ({
    ...b,
    id: b.suite.id,
    entries: sortEntries(
      b.entries.map((e) => ({ ...e, id: e.evaluationId })),
      params.sort,
    ),
  }));
  return { data, total: data.length };
}

async function getSuites(params: GetListParams): Promise<GetListResult<Suite>> {
  const suites = await getJson<Suite[]>('/suites');
  const filter = params.filter ?? {};
  const filtered = suites.filter(
    (s) =>
      (!filter.task || s.task === filter.task) &&
      (!filter.resolution || s.resolution === Number(filter.resolution)) &&
      (!filter.q || `${s.id} ${s.description}`.toLowerCase().includes(String(filter.q).toLowerCase())),
  );
  const sorted = sortRecords(filtered, params.sort);
  const { page, perPage } = params.pagination ?? { page: 1, perPage: sorted.length };
  return { data: sorted.slice((page - 1) * perPage, page * perPage), total: sorted.length };
}

async function getPaged(resource: string, params: GetListParams): Promise<GetListResult> {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 50 };
  const limit = Math.min(perPage, 500);
  const path = `/${resource}${query(resource, params.filter ?? {}, { limit, offset: (page - 1) * perPage })}`;
  const { total, items } = await getJson<{ total: number; items: RaRecord[] }>(path);
  return { data: items, total };
}

const notSupported = (what: string) => () => Promise.reject(new HttpError(`${what} is not supported by the genbench API`, 405, null));

export interface SubmitModelInput {
  token: string;
  file: File;
  manifest: string;
}

export interface GenbenchDataProvider extends DataProvider {
  /** POST /api/models (multipart). Rejects with an HttpError whose `body` is the API's error JSON. */
  submitModel(input: SubmitModelInput): Promise<SubmitResult>;
}

export const dataProvider: GenbenchDataProvider = {
  getList: (resource, params) => {
    if (resource === 'leaderboards') return getLeaderboards(params) as Promise<GetListResult>;
    if (resource === 'suites') return getSuites(params) as Promise<GetListResult>;
    return getPaged(resource, params);
  },
  getOne: async (resource, params) => ({
    data: await getJson(`/${resource}/${encodeURIComponent(String(params.id))}`),
  }),
  getMany: async <R extends RaRecord>(resource: string, params: GetManyParams<R>): Promise<GetManyResult<R>> => ({
    data: await Promise.all(params.ids.map((id) => getJson<R>(`/${resource}/${encodeURIComponent(String(id))}`))),
  }),
  getManyReference: (resource, params) =>
    dataProvider.getList(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } }),
  create: notSupported('create'),
  update: notSupported('update'),
  updateMany: notSupported('updateMany'),
  delete: notSupported('delete'),
  deleteMany: notSupported('deleteMany'),

  submitModel: async ({ token, file, manifest }) => {
    const body = new FormData();
    body.append('manifest', manifest);
    body.append('file', file, file.name);
    const { json } = await fetchUtils.fetchJson(`${API}/models`, {
      method: 'POST',
      body,
      headers: new Headers({ Accept: 'application/json', Authorization: `Bearer ${token}` }),
    });
    return json as SubmitResult;
  },
};
