/**
 * The shape of `GET /v1/metrics` (issue 24): counters kept as they happen in
 * hourly buckets (400 days, no personal data), and what is counted now. The
 * console and `paypay-kyc status` read it; the Worker's metrics object writes it.
 */

/**
 * Counter names. A label, where a counter has one, follows a colon:
 * `sessions.failed:declined`, `webhooks.received:kyc`, `sessions.created:public`.
 */
export const COUNTERS = [
  'sessions.created', // :public | :merchant
  'sessions.shown', // :public | :merchant (the QR or button first shown to a reader)
  'sessions.authorized', // :public | :merchant
  'sessions.completed', // :public | :merchant
  'sessions.failed', // :<FailureReason>, spelt as the session stores it (declined, PAYPAY_ERROR, ...)
  'sessions.expired', // :public | :merchant
  'webhooks.received', // :kyc | :risk | :account-status | :recon
  'recon.files', // :received | :late | :missing (missing is counted when recon.overdue is sent)
  'recon.ids', // ids read from recon files
  'recon.misses', // ids no webhook told us about (recon.missed events)
  'rereads', // :ok (standing as it was) | :changed | :failed | :rate_limited
  'forwards', // :delivered | :retried | :failed
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** Upper bounds (seconds) of the creation-to-completion histogram's buckets; the last is +Inf. */
export const COMPLETION_BUCKETS = [10, 20, 30, 60, 120, 300] as const;

export type MetricsStep = 'hour' | 'day';

/** One bucket of a counter: its start (ISO 8601) and the count. */
export interface MetricPoint {
  at: string;
  value: number;
}

/** A recon file type's state on one JST day. */
export type ReconDayState = 'received' | 'late' | 'missing' | 'pending';

/** The answer of `GET /v1/metrics?from=&to=&step=`. */
export interface MetricsAnswer {
  from: string;
  to: string;
  step: MetricsStep;
  /** Every `name:label` counted in the period, each with a point per step (zeros included). */
  counters: Record<string, MetricPoint[]>;
  /** Creation to completion over the period: `counts[i]` for `<= COMPLETION_BUCKETS[i]` s, the last for more. */
  completionSeconds: { buckets: number[]; counts: number[] };
  /** Now, not over the period: users by standing, authorizations expiring in 7 and 30 days. */
  now: {
    usersByStanding: Record<string, number>;
    authorizationsExpiring: { days7: number; days30: number };
  };
  /** Per JST day of the period, per recon file type: received, late, missing or pending. */
  reconDays: { day: string; files: Record<string, ReconDayState> }[];
}
