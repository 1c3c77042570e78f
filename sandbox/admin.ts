import { PAYPAY_SCOPE_OF } from '../shared/paypay-codes';
import { authorizationOf, isEpochSeconds, newAuthorization } from './authorization';
import { isIntegerIn, isRecord } from './validate';
import { randomBase62, randomHex } from './encoding';
import { parseFault } from './faults';
import {
  BIRTH_DATE_PRESETS,
  COUNTER,
  DOCUMENTS,
  isBirthDatePreset,
  isDocumentChoice,
} from './kyc-choices';
import { phoneLast4 } from './kyc-data';
import {
  parseReconRequest,
  RECON_FILE_TTL_SECONDS,
  reconFileName,
  reconFileOwner,
  reconNotification,
} from './recon';
import { currentState, linkOf, type Tenant } from './tenant';
import { KYC_TYPES, STANDINGS, type KycType, type QrSession, type SandboxUser } from './types';
import { eventNotification, isWebhookKind, newNotificationId, type Notification } from './webhooks';

/** A JSON answer of the admin API. */
export function json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}

/** An admin API error: `{"error":{"code","message"}}`. */
export function adminError(status: number, code: string, message: string): Response {
  return json({ error: { code, message } }, status);
}

/** Reads a JSON body; undefined when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

const MAX_COPIES = 10;

/**
 * The admin API of one merchant (everything under /_sandbox except the merchant
 * registration, which the Durable Object handles before a merchant exists).
 */
export async function handleAdmin(
  tenant: Tenant,
  path: string,
  request: Request,
): Promise<Response> {
  const { store } = tenant;
  const method = request.method;
  const route = `${method} ${path}`;
  if (route === 'GET /faults') return json({ faults: store.faults() });
  if (route === 'PUT /faults') {
    const fault = parseFault(await readJson(request));
    if (!fault.ok) return adminError(400, 'INVALID_FAULT', fault.error);
    store.putFaults([...store.faults(), fault.value]);
    return json({ faults: store.faults() });
  }
  if (route === 'DELETE /faults') {
    store.putFaults([]);
    return json({ faults: [] });
  }
  if (route === 'GET /calls') return json(store.calls());
  if (route === 'POST /reset') {
    store.resetActivity();
    return json({ ok: true });
  }
  if (route === 'GET /deliveries') return json({ deliveries: store.deliveries() });
  if (route === 'POST /webhooks') return sendWebhook(tenant, await readJson(request));
  if (route === 'POST /recon') return createRecon(tenant, await readJson(request));
  if (route === 'POST /users') return createUser(tenant, await readJson(request));
  const fileId = /^\/files\/([^/]+)$/.exec(path)?.[1];
  if (fileId !== undefined && method === 'GET') {
    const file = store.file(fileId);
    if (!file) return adminError(404, 'NOT_FOUND', 'No such recon file.');
    return json({ fileId, fileName: file.fileName, downloads: file.downloads ?? 0 });
  }
  const standing = /^\/users\/([^/]+)\/standing$/.exec(path)?.[1];
  if (standing !== undefined && method === 'POST') {
    return setStanding(tenant, standing, await readJson(request));
  }
  const authorized = /^\/users\/([^/]+)\/authorization$/.exec(path)?.[1];
  if (authorized !== undefined && method === 'PUT') {
    return setAuthorization(tenant, authorized, await readJson(request));
  }
  if (route === 'GET /sessions') {
    const now = tenant.now();
    return json({ sessions: store.sessions().map((s) => sessionView(tenant, s, now)) });
  }
  const codeId = /^\/sessions\/([^/]+)$/.exec(path)?.[1];
  if (codeId !== undefined && method === 'GET') {
    const session = store.session(codeId);
    if (!session) return adminError(404, 'NOT_FOUND', 'No such QR session.');
    return json(sessionView(tenant, session, tenant.now()));
  }
  return adminError(404, 'NOT_FOUND', `No admin route ${route}.`);
}

/** A stored QR session, its state computed now, with its link (the phone page). */
function sessionView(tenant: Tenant, session: QrSession, now: number) {
  return {
    ...session,
    state: currentState(session, now),
    linkQRCodeURL: linkOf(tenant, session.codeId),
  };
}

async function sendWebhook(tenant: Tenant, body: unknown): Promise<Response> {
  if (!isRecord(body)) return adminError(400, 'INVALID_BODY', 'body must be a JSON object');
  const { kind, userAuthorizationId, notificationId, copies = 1 } = body;
  if (!isWebhookKind(kind)) {
    return adminError(400, 'INVALID_BODY', 'kind must be kyc, risk or account-status');
  }
  if (typeof userAuthorizationId !== 'string' || !/^[\w-]{1,64}$/.test(userAuthorizationId)) {
    return adminError(
      400,
      'INVALID_BODY',
      'userAuthorizationId must be an id of at most 64 characters',
    );
  }
  if (
    notificationId !== undefined &&
    (typeof notificationId !== 'string' || notificationId === '')
  ) {
    return adminError(400, 'INVALID_BODY', 'notificationId must be a non-empty string');
  }
  if (!isIntegerIn(copies, 1, MAX_COPIES)) {
    return adminError(400, 'INVALID_BODY', `copies must be an integer from 1 to ${MAX_COPIES}`);
  }
  const notification = eventNotification(
    kind,
    userAuthorizationId,
    notificationId ?? newNotificationId(),
  );
  return sendCopies(tenant, notification, copies);
}

/** Sends one notification `copies` times, as PayPay's retries would deliver it again. */
async function sendCopies(
  tenant: Tenant,
  notification: Notification,
  copies: number,
  extra: Record<string, unknown> = {},
): Promise<Response> {
  if (!tenant.merchant.webhookUrls[notification.target]) {
    return adminError(
      409,
      'NO_WEBHOOK_URL',
      `No ${notification.target} webhook URL is registered for this merchant (PUT /_sandbox/merchant).`,
    );
  }
  const deliveries = [];
  for (let i = 0; i < copies; i++) deliveries.push(await tenant.send(notification));
  return json({ notificationId: notification.notificationId, ...extra, deliveries });
}

async function createRecon(tenant: Tenant, body: unknown): Promise<Response> {
  const parsed = parseReconRequest(body);
  if (!parsed.ok) return adminError(400, 'INVALID_BODY', parsed.error);
  const { fileType, userAuthorizationIds, notify, generate, failures, redirectTo, period } =
    parsed.value;
  if (notify && !tenant.merchant.webhookUrls.recon) {
    return adminError(
      409,
      'NO_WEBHOOK_URL',
      'No recon webhook URL is registered; register one or pass notify: false.',
    );
  }
  const now = tenant.now();
  const owner = reconFileOwner(fileType, tenant.merchant, tenant.id);
  const file = {
    fileId: randomHex(8),
    fileType,
    fileName: reconFileName(fileType, owner, now, period),
    token: randomBase62(32),
    userAuthorizationIds,
    ...(generate ? { generate } : {}),
    ...(failures ? { failuresLeft: failures } : {}),
    ...(redirectTo ? { redirectTo } : {}),
    ...(tenant.merchant.reconFormat ? { format: tenant.merchant.reconFormat } : {}),
    downloads: 0,
    expiresAt: now + RECON_FILE_TTL_SECONDS,
  };
  tenant.store.putFile(file);
  await tenant.store.schedulePrune();
  const path = `${tenant.origin}/recon/${tenant.id}/${file.fileId}/${file.fileName}?token=${file.token}`;
  if (!notify) return json({ path, fileName: file.fileName, fileId: file.fileId });
  const notificationId = parsed.value.notificationId ?? crypto.randomUUID();
  return sendCopies(tenant, reconNotification(fileType, path, notificationId, now), 1, {
    path,
    fileId: file.fileId,
  });
}

function createUser(tenant: Tenant, body: unknown): Response {
  const input = isRecord(body) ? body : {};
  // What the Worker's default QR asks for, so a made-up user can be read like a linked one.
  const {
    scopes = [PAYPAY_SCOPE_OF.fetchCompletedKyc, PAYPAY_SCOPE_OF.kycPassportInfo],
    standing = 'active',
    kycType = 'EKYC',
    expireAt,
    birthDate,
    document,
  } = input;
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
    return adminError(400, 'INVALID_BODY', 'scopes must be an array of strings');
  }
  const userStanding = STANDINGS.find((s) => s === standing);
  if (userStanding === undefined) {
    return adminError(400, 'INVALID_BODY', `standing must be one of ${STANDINGS.join(', ')}`);
  }
  const userKycType = KYC_TYPES.find((type) => type === kycType);
  if (userKycType === undefined) {
    return adminError(400, 'INVALID_BODY', `kycType must be one of ${KYC_TYPES.join(', ')}`);
  }
  if (birthDate !== undefined && !isBirthDatePreset(birthDate)) {
    const names = BIRTH_DATE_PRESETS.join(', ');
    return adminError(400, 'INVALID_BODY', `birthDate must be one of ${names}`);
  }
  if (document !== undefined && !isDocumentChoice(document)) {
    const names = Object.keys(DOCUMENTS).join(', ');
    return adminError(400, 'INVALID_BODY', `document must be one of ${names}`);
  }
  if (expireAt !== undefined && !isEpochSeconds(expireAt)) {
    return adminError(400, 'INVALID_BODY', EXPIRE_AT_RULE);
  }
  const userAuthorizationId = crypto.randomUUID();
  const now = tenant.now();
  const user: SandboxUser = {
    userAuthorizationId,
    scopes,
    standing: userStanding,
    // As on the phone: a check at a counter is a kind of KYC of its own.
    kycType: document === COUNTER ? ('COUNTER' satisfies KycType) : userKycType,
    phoneLast4: phoneLast4(userAuthorizationId),
    kycCompletedAt: now,
    authorization: newAuthorization(tenant.merchant, now, [], expireAt),
    ...(birthDate !== undefined ? { birthDate } : {}),
    ...(document !== undefined ? { document } : {}),
  };
  tenant.store.putUser(user);
  return json(user, 201);
}

function setStanding(tenant: Tenant, uaid: string, body: unknown): Response {
  const user = tenant.store.user(uaid);
  if (!user) return adminError(404, 'NOT_FOUND', 'No such user.');
  const standing = STANDINGS.find((s) => isRecord(body) && s === body.standing);
  if (standing === undefined) {
    return adminError(400, 'INVALID_BODY', `standing must be one of ${STANDINGS.join(', ')}`);
  }
  const updated = { ...user, standing };
  tenant.store.putUser(updated);
  return json(updated);
}

const EXPIRE_AT_RULE = 'expireAt must be an integer of epoch seconds';

/** `PUT /users/<uaid>/authorization` `{expireAt}`: moves the authorization's expiry. */
function setAuthorization(tenant: Tenant, uaid: string, body: unknown): Response {
  const user = tenant.store.user(uaid);
  if (!user) return adminError(404, 'NOT_FOUND', 'No such user.');
  const expireAt = isRecord(body) ? body.expireAt : undefined;
  if (!isEpochSeconds(expireAt)) return adminError(400, 'INVALID_BODY', EXPIRE_AT_RULE);
  const authorization = { ...authorizationOf(user), expireAt };
  tenant.store.putUser({ ...user, authorization });
  return json(authorization);
}
