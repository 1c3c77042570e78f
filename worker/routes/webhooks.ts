import type { IRequest } from 'itty-router';
import { logLine } from '../log';
import type { Config, SettingName } from '../settings/config';
import { readJsonBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import type { Stage } from '../http/pipeline';
import { requestSlot } from '../http/slot';
import { feedOf } from '../feed/stub';
import { forwardDue } from '../feed/forward';
import { sameString } from '../compare';
import { periodOf } from '../recon/period';
import { processRecon } from '../recon/process';
import { refusalOf } from '../recon/download';
import { ipAllowed } from '../webhooks/cidr';
import {
  isReceiverKind,
  parseNotification,
  type EventNotification,
  type ReceiverKind,
  type ReconNotification,
} from '../webhooks/notification';
import { reread } from '../feed/reread';

/** PayPay's notifications are a few hundred bytes; 16 KiB leaves room for added fields. */
const MAX_BODY_BYTES = 16 * 1024;
const WEBHOOK_SETTINGS = ['WEBHOOK_ALLOWED_CIDRS', 'WEBHOOK_PATH_TOKEN'] as const;
const RECON_SETTINGS = [...WEBHOOK_SETTINGS, 'RECON_ALLOWED_HOSTS'] as const;
/** Forwarding attempts made right after a notification; the cron trigger does the rest. */
const FORWARD_NOW = 10;

const receiverKinds = requestSlot<ReceiverKind>('knownReceiver');

/** What a receiver needs: the source and path rules, and for recon files the hosts they may come from. */
export function receiverSettings(request: IRequest): readonly SettingName[] {
  return request.params.kind === 'recon' ? RECON_SETTINGS : WEBHOOK_SETTINGS;
}

/**
 * Stage: the request comes from an address in WEBHOOK_ALLOWED_CIDRS (none set:
 * any, in development only). Checked first: an address outside the allowlist
 * learns nothing about the routes.
 */
export const fromPayPay: Stage = (request, _env, _ctx, rc) => {
  const allowed = rc.config.webhooks.allowedCidrs;
  if (allowed !== null && !ipAllowed(request.headers.get('CF-Connecting-IP') ?? '', allowed)) {
    throw ApiError.of('FORBIDDEN_SOURCE', 'This source may not send webhooks');
  }
};

/**
 * Stage: the path is one of the four receivers, with the path token when
 * WEBHOOK_PATH_TOKEN is set (and without one when it is not); 404 otherwise.
 */
export const knownReceiver: Stage = (request, _env, _ctx, rc) => {
  const { token, kind = '' } = request.params;
  if (!pathTokenMatches(token, rc.config.webhooks.pathToken) || !isReceiverKind(kind)) {
    throw ApiError.of('NOT_FOUND', 'No such route');
  }
  receiverKinds.set(request, kind);
};

/**
 * `POST /v1/webhooks/paypay/[<token>/]<kind>`: one of PayPay's four receivers,
 * once its stages checked settings, source, path token and method. It checks
 * the notification's type and fields, records the
 * notification in the feed object (durable before we answer), answers `OK`,
 * and does everything else in `ctx.waitUntil`. A notification that could not be
 * recorded gets a 503, so PayPay sends it again: never a 200 without a record.
 */
export async function receiveWebhook(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const { config } = rc;
  const kind = receiverKinds.get(request);
  const body = await readJsonBody(request, MAX_BODY_BYTES, 'any');
  const now = Date.now();
  const parsed = parseNotification(kind, body, now);
  if (!parsed.ok) throw ApiError.of(parsed.error.code, parsed.error.message);
  const notification = parsed.value;
  try {
    if (notification.kind === 'recon') await recordRecon(env, ctx, config, notification, now);
    else await recordEvent(env, ctx, config, notification, now);
  } catch (error) {
    logLine('error', 'error', {
      requestId: rc.requestId,
      error: error instanceof Error ? error.name : typeof error,
      what: 'webhook not recorded',
    });
    throw ApiError.of('NOT_RECORDED', 'The notification could not be recorded; send it again');
  }
  return new Response('OK', {
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * With WEBHOOK_PATH_TOKEN set only `/<token>/<kind>` exists, compared in
 * constant time; without it only `/<kind>` does.
 */
function pathTokenMatches(presented: string | undefined, expected: string | null): boolean {
  if (expected === null) return presented === undefined;
  return presented !== undefined && sameString(presented, expected);
}

async function recordEvent(
  env: Env,
  ctx: ExecutionContext,
  config: Config,
  notification: EventNotification,
  now: number,
): Promise<void> {
  const forward = config.merchantWebhook !== null;
  const { value: recorded } = await feedOf(env).record({
    ...notification,
    receivedAt: now,
    unconfirmedBudget: config.unconfirmedRereadsPerMinute,
  });
  if (recorded.duplicate) return;
  ctx.waitUntil(
    background(async () => {
      if (recorded.reread) {
        await reread(
          env,
          config,
          { userAuthorizationId: notification.userAuthorizationId, startedAt: now },
          now,
        );
      }
      if (forward) await forwardDue(env, config, now, FORWARD_NOW);
    }),
  );
}

async function recordRecon(
  env: Env,
  ctx: ExecutionContext,
  config: Config,
  notification: ReconNotification,
  now: number,
): Promise<void> {
  const forward = config.merchantWebhook !== null;
  const { value: recorded } = await feedOf(env).recordRecon({
    notificationId: notification.notificationId,
    fileType: notification.fileType,
    path: notification.path,
    requestedAt: notification.requestedAt,
    period: periodOf(notification.path, notification.requestedAt),
    receivedAt: now,
    // Checked before anything is fetched: a path we may not fetch is reported lost at once.
    refused: refusalOf(notification.path, config.reconAllowedHosts),
  });
  const claim = recorded.claim;
  if (recorded.duplicate) return;
  ctx.waitUntil(
    background(async () => {
      if (claim !== null) await processRecon(env, config, claim, now);
      if (forward) await forwardDue(env, config, now, FORWARD_NOW);
    }),
  );
}

/** Background work logs its failure by name; the cron trigger picks up what it left. */
async function background(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logLine('error', 'error', {
      what: 'webhook background work',
      error: error instanceof Error ? error.name : typeof error,
    });
  }
}
