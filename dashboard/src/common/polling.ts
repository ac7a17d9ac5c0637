import { type Evaluation, isActive, type ModelDetail } from '../api-types';

/** Evaluations move in seconds; poll only while one is queued or running so idle pages cost nothing. */
export const POLL_MS = 1500;

/** The part of a react-query `Query` that `refetchInterval` callbacks read. */
type AnyQuery = { state: { data?: unknown } };

export const pollEvaluation = (q: AnyQuery): number | false =>
  isActive((q.state.data as Evaluation | undefined)?.status) ? POLL_MS : false;

export const pollEvaluations = (q: AnyQuery): number | false => {
  const data = q.state.data as { data?: Evaluation[] } | Evaluation[] | undefined;
  const list = Array.isArray(data) ? data : data?.data;
  return list?.some((e) => isActive(e.status)) ? POLL_MS : false;
};

export const pollModel = (q: AnyQuery): number | false =>
  (q.state.data as ModelDetail | undefined)?.versions?.some((v) => v.evaluations.some((e) => isActive(e.status))) ? POLL_MS : false;
