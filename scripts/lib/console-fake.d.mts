import type { MetricsAnswer, MetricsStep } from '../../shared/metrics';

export const FAKE_TOTALS: Record<string, number>;
export function fakeMetrics(from: Date, to: Date, step: MetricsStep): MetricsAnswer;
export const FAKE_DELIVERIES: Record<'failed' | 'pending', { eventId: string }[]>;
export const FAKE_USER: { userAuthorizationId: string };
export const FAKE_DOCTOR: { checks: { check: string; ok: boolean; detail: string }[] };
export function startConsoleFake(
  distDir: string,
): Promise<{ url: string; calls: string[]; stop: () => Promise<void> }>;
