import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { MetricsAnswer } from '../../../shared/metrics';
import { metricsOf } from '../../../worker/metrics/stub';
import { hourOf } from '../../../worker/metrics/log';
import { recordEvents } from '../../../worker/queues/ingest';
import { configOf } from '../../../worker/settings/config';
import {
  arrive,
  completedSession,
  expectError,
  MERCHANT_TOKEN,
  newSession,
  ORIGIN,
  phone,
  sessionObjectOf,
  worker,
} from '../support/flow';

// Issue 24: counters kept as they happen, read by GET /v1/metrics. This file's
// workerd is its own (test/worker/project.ts): its metrics object counts only these tests.

const DAY_MS = 86_400_000;

async function readMetrics(query = ''): Promise<MetricsAnswer> {
  const response = await worker(`/v1/metrics${query}`, {
    headers: { Authorization: `Bearer ${MERCHANT_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return response.json();
}

function total(answer: MetricsAnswer, name: string): number {
  return (answer.counters[name] ?? []).reduce((sum, point) => sum + point.value, 0);
}

describe('GET /v1/metrics', () => {
  it('counts completed, declined and expired sessions in their hour, with the histogram', async () => {
    const [N, M, K] = [2, 2, 1];
    for (let i = 0; i < N; i++) await completedSession();
    for (let i = 0; i < M; i++) {
      const session = await newSession();
      const location = await phone(session.qrUrl, 'decline');
      if (location !== null) await arrive(location);
    }
    for (let i = 0; i < K; i++) {
      const session = await newSession();
      await runInDurableObject(sessionObjectOf(session.sessionId), async (instance) => {
        const held = instance as unknown as { record: { expiresAt: number } };
        held.record.expiresAt = Date.now() - 1;
      });
      await worker(`/v1/sessions/${session.sessionId}`, { headers: { Origin: ORIGIN } });
    }
    await vi.waitFor(
      async () => {
        const answer = await readMetrics();
        expect(total(answer, 'sessions.created:public')).toBe(N + M + K);
        expect(total(answer, 'sessions.completed:public')).toBe(N);
        // The label is the FailureReason as sessions carry it (shared/wire.ts): `declined`.
        expect(total(answer, 'sessions.failed:declined')).toBe(M);
        expect(total(answer, 'sessions.expired:public')).toBe(K);
        expect(answer.completionSeconds.counts.reduce((a, b) => a + b, 0)).toBe(N);
      },
      { timeout: 10_000, interval: 200 },
    );
    const answer = await readMetrics();
    expect(answer.step).toBe('hour');
    const points = answer.counters['sessions.completed:public']!;
    expect(points.at(-1)).toEqual({ at: new Date(hourOf(Date.now())).toISOString(), value: N });
    expect(answer.completionSeconds.buckets).toEqual([10, 20, 30, 60, 120, 300]);
    expect(answer.now.authorizationsExpiring).toEqual(expect.objectContaining({ days7: 0 }));
    const day = await readMetrics('?step=day');
    expect(day.step).toBe('day');
    expect(day.counters['sessions.completed:public']!.length).toBeLessThanOrEqual(8);
    expect(total(day, 'sessions.completed:public')).toBe(N);
  });

  it('sums hours into days', async () => {
    const base = Date.UTC(2030, 0, 10, 0, 0, 0); // 09:00 JST on the 10th
    await metricsOf(env).add(base, [['recon.ids', 3]]);
    await metricsOf(env).add(base + 3 * 3_600_000, [['recon.ids', 4]]);
    const from = new Date(base - DAY_MS).toISOString();
    const to = new Date(base + DAY_MS).toISOString();
    const hours = await readMetrics(`?from=${from}&to=${to}&step=hour`);
    expect(hours.counters['recon.ids']!.filter((p) => p.value > 0)).toHaveLength(2);
    const days = await readMetrics(`?from=${from}&to=${to}&step=day`);
    expect(days.counters['recon.ids']!.find((p) => p.value > 0)).toEqual({
      at: '2030-01-09T15:00:00.000Z',
      value: 7,
    });
  });

  it.each([
    ['from=yesterday', 'INVALID_FIELD'],
    ['to=2030-01-01', 'INVALID_FIELD'],
    ['step=week', 'INVALID_FIELD'],
    ['from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'INVALID_FIELD'],
    ['from=2028-01-01T00:00:00Z&to=2030-01-01T00:00:00Z', 'INVALID_FIELD'],
    ['from=2030-01-01T00:00:00Z&to=2030-03-01T00:00:00Z&step=hour', 'INVALID_FIELD'],
    ['limit=5', 'UNKNOWN_FIELD'],
  ])('refuses %s', async (query, code) => {
    const response = await worker(`/v1/metrics?${query}`, {
      headers: { Authorization: `Bearer ${MERCHANT_TOKEN}` },
    });
    await expectError(response, 400, code);
  });

  it('needs the bearer', async () => {
    expect((await worker('/v1/metrics')).status).toBe(401);
  });

  it('drops hours older than 400 days on its alarm', async () => {
    const old = Date.now() - 401 * DAY_MS;
    const recent = Date.now() - 399 * DAY_MS;
    await metricsOf(env).add(old, [['forwards:failed', 1]]);
    await metricsOf(env).add(recent, [['forwards:failed', 1]]);
    expect(await runDurableObjectAlarm(metricsOf(env))).toBe(true);
    const { value } = await metricsOf(env).read(0, Date.now() + DAY_MS);
    const hours = value.counts.filter((r) => r.name === 'forwards:failed').map((r) => r.hour);
    expect(hours).toEqual([hourOf(recent)]);
  });

  it('counts a webhook sent twice once', async () => {
    const before = total(await readMetrics(), 'webhooks.received:risk');
    const message = {
      v: 1,
      t: 'event',
      kind: 'risk',
      notificationId: 'ntf_metrics_once_0001',
      userAuthorizationId: 'uaid-metrics-once-0001',
      receivedAt: Date.now(),
    } as const;
    await recordEvents(env, configOf(env), [message]);
    await recordEvents(env, configOf(env), [message]);
    expect(total(await readMetrics(), 'webhooks.received:risk')).toBe(before + 1);
  });
});
