import type { MetricPoint, MetricsAnswer } from '../shared/metrics';

// What the overview draws, read from a MetricsAnswer: pure functions, so the
// numbers on the page are the numbers of the answer and nothing else.

type Counters = MetricsAnswer['counters'];

/** The counters of `name`: the bare name and every `name:label`. */
function keysOf(counters: Counters, name: string): string[] {
  return Object.keys(counters).filter((key) => key === name || key.startsWith(`${name}:`));
}

const sum = (points: MetricPoint[] | undefined) =>
  (points ?? []).reduce((total, point) => total + point.value, 0);

/** The period's total of a counter, all its labels together. */
export function totalOf(counters: Counters, name: string): number {
  return keysOf(counters, name).reduce((total, key) => total + sum(counters[key]), 0);
}

/** The period's total of each label of a counter, largest first (an unlabelled count as ''). */
export function byLabel(counters: Counters, name: string): [string, number][] {
  return keysOf(counters, name)
    .map((key): [string, number] => [key.slice(name.length + 1), sum(counters[key])])
    .filter(([, value]) => value > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** A counter per step, all labels together: the points of the answer's first series, summed. */
export function seriesOf(counters: Counters, name: string): MetricPoint[] {
  const keys = keysOf(counters, name);
  const first = counters[keys[0] ?? ''] ?? [];
  return first.map((point, i) => ({
    at: point.at,
    value: keys.reduce((total, key) => total + (counters[key]?.[i]?.value ?? 0), 0),
  }));
}

/** The funnel's steps, in order. */
export const FUNNEL = ['created', 'shown', 'authorized', 'completed'] as const;
export type FunnelStep = (typeof FUNNEL)[number];

export function funnelOf(counters: Counters): [FunnelStep, number][] {
  return FUNNEL.map((step) => [step, totalOf(counters, `sessions.${step}`)]);
}

/** The recon file types of the period, in a stable order. */
export function reconFileTypes(answer: MetricsAnswer): string[] {
  const types = new Set<string>();
  for (const day of answer.reconDays) for (const type of Object.keys(day.files)) types.add(type);
  return [...types].sort();
}

/** The completion histogram's bucket names: `<= 10 s`, ..., `> 300 s`. */
export function completionLabels(buckets: number[]): string[] {
  const last = buckets[buckets.length - 1];
  return [...buckets.map((b) => `≤${b}s`), ...(last === undefined ? [] : [`>${last}s`])];
}
