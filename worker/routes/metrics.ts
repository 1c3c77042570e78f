import type { IRequest } from 'itty-router';
import type { MetricsAnswer, MetricsStep } from '../../shared/metrics';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import { feedShards } from '../feed/stub';
import { metricsOf } from '../metrics/stub';
import { HOUR_MS } from '../metrics/log';
import {
  completionOf,
  countersOf,
  jstDaysOf,
  nowOf,
  reconDaysOf,
  stepsOf,
} from '../metrics/answer';

const DAY_MS = 86_400_000;
const MAX_SPAN_MS = 400 * DAY_MS;
const MAX_HOURLY_SPAN_MS = 31 * DAY_MS;
const DEFAULT_SPAN_MS = 7 * DAY_MS;
/** An instant with its zone: what `toISOString()` and the CLI send. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The period and step a query asks for, checked. */
export interface MetricsQuery {
  from: number;
  to: number;
  step: MetricsStep;
}

/**
 * Reads `from`, `to` (ISO 8601 instants, default the last 7 days) and `step`
 * (`hour` up to 31 days, `day` up to 400; default `hour` where it may be).
 */
export function metricsQuery(params: URLSearchParams, now: number): MetricsQuery {
  for (const name of params.keys()) {
    if (name !== 'from' && name !== 'to' && name !== 'step')
      throw ApiError.of('UNKNOWN_FIELD', `Unknown parameter "${name}"`);
  }
  const instant = (name: 'from' | 'to', fallback: number): number => {
    const text = params.get(name);
    if (text === null) return fallback;
    const at = INSTANT.test(text) ? Date.parse(text) : NaN;
    if (!Number.isFinite(at))
      throw ApiError.of('INVALID_FIELD', `${name} must be an ISO 8601 time with its zone`);
    return at;
  };
  const to = instant('to', now);
  const from = instant('from', to - DEFAULT_SPAN_MS);
  if (from >= to) throw ApiError.of('INVALID_FIELD', 'from must be before to');
  if (to - from > MAX_SPAN_MS)
    throw ApiError.of('INVALID_FIELD', 'from and to must be at most 400 days apart');
  const stepText = params.get('step');
  if (stepText !== null && stepText !== 'hour' && stepText !== 'day')
    throw ApiError.of('INVALID_FIELD', 'step must be hour or day');
  const step = stepText ?? (to - from <= MAX_HOURLY_SPAN_MS ? 'hour' : 'day');
  if (step === 'hour' && to - from > MAX_HOURLY_SPAN_MS)
    throw ApiError.of('INVALID_FIELD', 'step must be day for more than 31 days');
  return { from, to, step };
}

/**
 * `GET /v1/metrics?from=&to=&step=`: the counters of the period from the
 * metrics object, the completion histogram, what the feed shards count now,
 * and the recon calendar of the home shard (shared/metrics.ts).
 */
export async function metrics(
  request: IRequest,
  env: Env,
  _ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const now = Date.now();
  const { from, to, step } = metricsQuery(new URL(request.url).searchParams, now);
  const starts = stepsOf(from, to, step);
  const days = jstDaysOf(from, to);
  const recon = { from: days[0]!, to: days[days.length - 1]! };
  const [{ value: rows }, ...shards] = await Promise.all([
    // Whole hours: the step's first hour may begin before `from`.
    metricsOf(env).read(starts[0]!, Math.ceil(to / HOUR_MS) * HOUR_MS),
    ...feedShards(env).map(
      async (shard, i) => (await shard.metrics(now, i === 0 ? recon : null)).value,
    ),
  ]);
  const answer: MetricsAnswer = {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    step,
    counters: countersOf(rows.counts, starts, step),
    completionSeconds: completionOf(rows.completions),
    now: nowOf(shards),
    reconDays: reconDaysOf(shards[0]!, days, rc.config.operations.reconExpectedByMinutes, now),
  };
  return Response.json(answer);
}
