import {
  COMPLETION_BUCKETS,
  type MetricsAnswer,
  type MetricsStep,
  type ReconDayState,
} from '../../shared/metrics';
import type { ShardMetrics } from '../feed/metrics-reads';
import { jstDay, jstDayStart } from '../recon/period';
import { HOUR_MS, type CompletionRow, type CountRow } from './log';

const DAY_MS = 86_400_000;

/** The start of the step `at` falls in: UTC hours, or JST days (the recon calendar's). */
export function stepStart(at: number, step: MetricsStep): number {
  return step === 'hour' ? Math.floor(at / HOUR_MS) * HOUR_MS : jstDayStart(jstDay(at));
}

/** The starts of every step from the one `from` falls in up to `to` (excluded). */
export function stepsOf(from: number, to: number, step: MetricsStep): number[] {
  const size = step === 'hour' ? HOUR_MS : DAY_MS;
  const starts: number[] = [];
  for (let at = stepStart(from, step); at < to; at += size) starts.push(at);
  return starts;
}

/** Hourly rows summed into the period's steps, every step present (zeros included). */
export function countersOf(
  rows: readonly CountRow[],
  starts: readonly number[],
  step: MetricsStep,
): MetricsAnswer['counters'] {
  const index = new Map(starts.map((at, i) => [at, i]));
  const counters: MetricsAnswer['counters'] = {};
  for (const { hour, name, value } of rows) {
    const i = index.get(stepStart(hour, step));
    if (i === undefined) continue;
    counters[name] ??= starts.map((at) => ({ at: new Date(at).toISOString(), value: 0 }));
    counters[name][i]!.value += value;
  }
  return counters;
}

export function completionOf(rows: readonly CompletionRow[]): MetricsAnswer['completionSeconds'] {
  const counts = Array.from({ length: COMPLETION_BUCKETS.length + 1 }, () => 0);
  for (const { bucket, value } of rows) counts[Math.min(bucket, counts.length - 1)]! += value;
  return { buckets: [...COMPLETION_BUCKETS], counts };
}

/** The feed shards' counts, added up. */
export function nowOf(shards: readonly ShardMetrics[]): MetricsAnswer['now'] {
  const usersByStanding: Record<string, number> = {};
  const authorizationsExpiring = { days7: 0, days30: 0 };
  for (const shard of shards) {
    for (const [standing, n] of Object.entries(shard.usersByStanding))
      usersByStanding[standing] = (usersByStanding[standing] ?? 0) + n;
    authorizationsExpiring.days7 += shard.expiring.days7;
    authorizationsExpiring.days30 += shard.expiring.days30;
  }
  return { usersByStanding, authorizationsExpiring };
}

/**
 * The recon calendar: per JST day of the period, per file type the merchant
 * receives (any the feed ever recorded). A file covering day D is expected on
 * D + 1 by RECON_EXPECTED_BY (PayPay sends it the next morning), and that
 * morning's day is the one shown: received in time, late, missing once the
 * time has passed, pending before.
 */
export function reconDaysOf(
  home: ShardMetrics,
  days: readonly string[],
  expectedByMinutes: number,
  now: number,
): MetricsAnswer['reconDays'] {
  return days.map((day) => {
    const dueAt = jstDayStart(day) + expectedByMinutes * 60_000;
    const files: Record<string, ReconDayState> = {};
    for (const fileType of home.reconTypes) {
      const arrivals = home.reconFiles
        .filter((f) => f.fileType === fileType && jstDay(jstDayStart(f.periodTo) + DAY_MS) === day)
        .map((f) => f.receivedAt);
      if (arrivals.length > 0)
        files[fileType] = Math.min(...arrivals) <= dueAt ? 'received' : 'late';
      else files[fileType] = now > dueAt ? 'missing' : 'pending';
    }
    return { day, files };
  });
}

/** The JST days from the one `from` falls in to the one before `to` (inclusive). */
export function jstDaysOf(from: number, to: number): string[] {
  return stepsOf(from, to, 'day').map((at) => jstDay(at));
}
