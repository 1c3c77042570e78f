import { env } from 'cloudflare:workers';
import {
  createExecutionContext,
  createScheduledController,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { expect } from 'vitest';
import type { FeedEvent, FeedPage, UserState } from '../../../shared/feed';
import { WEBHOOK_KINDS } from '../../../shared/paypay-codes';
import type { ReconClaim } from '../../../worker/recon/table';
import handler from '../../../worker/index';
import { MERCHANT_TOKEN, WORKER_ORIGIN } from './flow';
import { deliverHeld, holdingQueues } from './queues';
import { newUser, sandboxAdmin } from './sandbox';

/** Settings to change for one call, on top of the test settings (test/worker/project.ts). */
export type Overrides = Record<string, unknown>;

export const bearer = { Authorization: `Bearer ${MERCHANT_TOKEN}` };

/** A unique id with a readable prefix, so tests never see each other's notifications. */
export function uid(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** The env of one call: the test settings plus overrides. */
export function envWith(overrides: Overrides = {}): Env {
  return { ...env, ...overrides } as Env;
}

/**
 * A request to the Worker's default handler that also waits for its
 * `ctx.waitUntil` work and for what it queued: a notification a receiver
 * queued is consumed (recorded, its re-read made, forwarded) before this
 * returns, by the Worker's queue consumer with the same settings
 * (support/queues.ts). `path` is on WORKER_ORIGIN (loopback), or a whole URL
 * to try another host.
 */
export async function call(
  path: string,
  init: RequestInit = {},
  overrides: Overrides = {},
): Promise<Response> {
  const ctx = createExecutionContext();
  const url = /^https?:/.test(path) ? path : `${WORKER_ORIGIN}${path}`;
  const request = new Request(url, init) as Request<unknown, IncomingRequestCfProperties>;
  const callEnv = holdingQueues(envWith(overrides));
  const response = await handler.fetch(request, callEnv, ctx);
  await waitOnExecutionContext(ctx);
  await deliverHeld(callEnv);
  return response;
}

/** POSTs a notification body to a receiver route as PayPay would. */
export function postWebhook(
  route: string,
  body: unknown,
  options: {
    headers?: Record<string, string>;
    overrides?: Overrides;
    method?: string;
    /** `null` sends no Content-Type at all (the body goes as bytes, so none is added). */
    contentType?: string | null;
  } = {},
): Promise<Response> {
  const method = options.method ?? 'POST';
  const text = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const payload =
    method === 'GET' || method === 'HEAD'
      ? null
      : options.contentType === null && typeof text === 'string'
        ? new TextEncoder().encode(text)
        : text;
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  return call(
    `/v1/webhooks/paypay/${route}`,
    {
      method,
      headers: {
        ...(contentType === null ? {} : { 'Content-Type': contentType }),
        'CF-Connecting-IP': '192.0.2.10',
        ...options.headers,
      },
      body: payload,
    },
    options.overrides,
  );
}

/** Each receiver's path segment, and the feed event type its notifications become. */
export const KINDS = [
  ['kyc', 'kyc.updated'],
  ['risk', 'risk.flagged'],
  ['account-status', 'account_status.updated'],
] as const;

/** A KYC / risk / account-status notification exactly as PayPay's spec shows it. */
export function eventBody(
  kind: keyof typeof WEBHOOK_KINDS,
  userAuthorizationId: string,
  notificationId = uid('evt'),
): { notification_type: string; notification_id: string; user_authorization_id: string } {
  return {
    notification_type: WEBHOOK_KINDS[kind],
    notification_id: notificationId,
    user_authorization_id: userAuthorizationId,
  };
}

/** A `file.created` notification. */
export function reconBody(
  path: string,
  fields: { fileType?: string; notificationId?: string; requestedAt?: number } = {},
): Record<string, string> {
  return {
    notification_type: 'file.created',
    notification_id: fields.notificationId ?? crypto.randomUUID(),
    fileType: fields.fileType ?? 'kyc_passport_sync_recon',
    path,
    requestedAt: String(Math.floor((fields.requestedAt ?? Date.now()) / 1000)),
  };
}

/** The feed object. */
export function feed() {
  return env.EVENT_FEED.get(env.EVENT_FEED.idFromName('feed'));
}

/**
 * Records a recon file's notification straight in the feed object, as the
 * receiver would, and returns its claim for `processRecon`. The file is
 * `kyc_passport_sync_recon` for 2026-08-01 unless `path` and `period` say otherwise.
 */
export async function claimFile(
  notificationId: string,
  now: number,
  file: { path?: string; period?: { from: string; to: string } } = {},
): Promise<ReconClaim> {
  const {
    value: { claim },
  } = await feed().recordRecon({
    notificationId,
    fileType: 'kyc_passport_sync_recon',
    path: file.path ?? 'https://sandbox.test/kyc_passport_M1_20260801_20260801.csv',
    requestedAt: now,
    period: file.period ?? { from: '2026-08-01', to: '2026-08-01' },
    receivedAt: now,
    refused: null,
  });
  expect(claim).not.toBeNull();
  return claim!;
}

/** The position of the feed's last event: read the feed after it to see only what a test added. */
export async function tailCursor(): Promise<string> {
  return runInDurableObject(feed(), (_object, state) => {
    const row = state.storage.sql
      .exec<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM events')
      .one();
    return String(row.seq ?? 0);
  });
}

/** `GET /v1/events` with the merchant bearer. */
export async function eventsPage(query: string): Promise<FeedPage> {
  const response = await call(`/v1/events?${query}`, { headers: bearer });
  expect(response.status).toBe(200);
  return response.json<FeedPage>();
}

/** Every event after `cursor`, following the cursor page by page. */
export async function eventsAfter(cursor: string): Promise<FeedEvent[]> {
  const all: FeedEvent[] = [];
  for (;;) {
    const page = await eventsPage(`after=${cursor}&limit=1000`);
    if (page.events.length === 0) return all;
    all.push(...page.events);
    cursor = page.cursor;
  }
}

/** Waits until every changed user is copied to KV (KV allows one write per second per key). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if ((await feed().flush()).value === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error('users still not copied to KV');
}

/** `GET /v1/users/:uaid` after the KV copy, checked to be 200. */
export async function userStateOf(uaid: string): Promise<UserState> {
  await settle();
  const response = await call(`/v1/users/${uaid}`, { headers: bearer });
  expect(response.status).toBe(200);
  return response.json<UserState>();
}

/**
 * Runs the cron trigger at `scheduledTime`; it finishes its work, and the
 * re-reads it queued are made, before it returns.
 */
export async function cron(scheduledTime: number, overrides: Overrides = {}): Promise<void> {
  const cronEnv = holdingQueues(envWith(overrides));
  await handler.scheduled(createScheduledController({ scheduledTime, cron: '* * * * *' }), cronEnv);
  await deliverHeld(cronEnv);
}

/** A sandbox user whose KYC Passport info answers by `standing`. */
export function sandboxUser(standing = 'active'): Promise<string> {
  return newUser({ standing });
}

/** A recon file made in the sandbox, not announced (the test posts its notification). */
export async function sandboxFile(
  ids: string[],
  extra: Record<string, unknown> = {},
): Promise<{ path: string; fileId: string; fileName: string }> {
  const response = await sandboxAdmin('POST', '/recon', {
    fileType: 'kyc_passport_sync_recon',
    userAuthorizationIds: ids,
    notify: false,
    ...extra,
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** How many requests reached a sandbox recon file. */
export async function downloads(fileId: string): Promise<number> {
  return (await (await sandboxAdmin('GET', `/files/${fileId}`)).json<{ downloads: number }>())
    .downloads;
}

/** What `recon_files` says of one file. */
export type FileRow = {
  state: string;
  attempts: number;
  last_error: string | null;
  junk: number;
  junk_lines: string | null;
  ids_total: number | null;
  missed: number;
};

/** A recon file's row, read in the feed object. */
export function reconRow(notificationId: string): Promise<FileRow> {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql
      .exec<FileRow>(
        'SELECT state, attempts, last_error, junk, junk_lines, ids_total, missed FROM recon_files WHERE notification_id = ?',
        notificationId,
      )
      .one(),
  );
}

/** The `recon.missed` events about these ids. */
export function missedFor(events: FeedEvent[], ids: string[]): FeedEvent[] {
  return events.filter(
    (e) => e.type === 'recon.missed' && ids.includes(e.userAuthorizationId ?? ''),
  );
}
