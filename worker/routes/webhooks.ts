import type { IRequest } from 'itty-router';
import { errorName, logLine } from '../log';
import type { SettingName } from '../settings/config';
import { readJsonBody } from '../http/body';
import type { RequestContext } from '../http/context';
import { ApiError } from '../http/errors';
import type { Stage } from '../http/pipeline';
import { requestSlot } from '../http/slot';
import { sameString } from '../compare';
import { RECON_LIMITS } from '../recon/process';
import { afterRecording, recordEvents, recordReconFile, type Recorded } from '../queues/ingest';
import {
  eventMessage,
  reconMessage,
  type EventMessage,
  type ReconMessage,
} from '../queues/messages';
import { ipAllowed } from '../webhooks/cidr';
import { isReceiverKind, parseNotification, type ReceiverKind } from '../webhooks/notification';

/** PayPay's notifications are a few hundred bytes; 16 KiB leaves room for added fields. */
const MAX_BODY_BYTES = 16 * 1024;
const WEBHOOK_SETTINGS = ['WEBHOOK_ALLOWED_CIDRS', 'WEBHOOK_PATH_TOKEN'] as const;
const RECON_SETTINGS = [...WEBHOOK_SETTINGS, 'RECON_ALLOWED_HOSTS'] as const;

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
 * the notification's type and fields, sends it to the INGEST queue (durable
 * once `send` resolves; the consumer records it, worker/queues/) and answers
 * `OK`. Should the queue refuse, the notification is recorded here as before
 * the queue, and only if that fails too is the answer a 503, so that PayPay
 * sends it again: never a 200 for a notification neither queued nor recorded.
 */
export async function receiveWebhook(
  request: IRequest,
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
): Promise<Response> {
  const kind = receiverKinds.get(request);
  const body = await readJsonBody(request, MAX_BODY_BYTES, 'any');
  const now = Date.now();
  const parsed = parseNotification(kind, body, now);
  if (!parsed.ok) throw ApiError.of(parsed.error.code, parsed.error.message);
  const notification = parsed.value;
  const message =
    notification.kind === 'recon'
      ? reconMessage(notification, now)
      : eventMessage(notification, now);
  try {
    await env.INGEST.send(message, { contentType: 'json' });
  } catch (refusal) {
    logLine('warn', 'queue', {
      requestId: rc.requestId,
      error: errorName(refusal),
      what: 'queue refused the notification; recording it directly',
    });
    await recordDirectly(env, ctx, rc, message);
  }
  return new Response('OK', {
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * What the consumer would have done, in this request: recorded (durable
 * before we answer), then re-reads, the recon file and forwarding in
 * `ctx.waitUntil`. A notification that cannot be recorded is a 503.
 */
async function recordDirectly(
  env: Env,
  ctx: ExecutionContext,
  rc: RequestContext,
  message: EventMessage | ReconMessage,
): Promise<void> {
  const { config } = rc;
  let after: Recorded;
  try {
    if (message.t === 'recon') {
      const { duplicate, claim } = await recordReconFile(env, config, message);
      after = { rereads: [], files: claim === null ? [] : [claim], fresh: !duplicate };
    } else {
      const recorded = await recordEvents(env, config, [message]);
      if (recorded.failed.size > 0) throw new Error('NOT_RECORDED');
      after = { rereads: recorded.rereads, files: [], fresh: recorded.fresh > 0 };
    }
  } catch (error) {
    logLine('error', 'error', {
      requestId: rc.requestId,
      error: errorName(error),
      what: 'webhook not recorded',
    });
    throw ApiError.of('NOT_RECORDED', 'The notification could not be recorded; send it again');
  }
  ctx.waitUntil(afterRecording(env, config, after, RECON_LIMITS.notificationMs));
}

/**
 * With WEBHOOK_PATH_TOKEN set only `/<token>/<kind>` exists, compared in
 * constant time; without it only `/<kind>` does.
 */
function pathTokenMatches(presented: string | undefined, expected: string | null): boolean {
  if (expected === null) return presented === undefined;
  return presented !== undefined && sameString(presented, expected);
}
