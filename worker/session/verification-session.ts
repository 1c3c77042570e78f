import { DurableObject } from 'cloudflare:workers';
import { logLine } from '../log';
import { TERMINAL_STATUSES, type FailureReason, type SessionView } from '../../shared/wire';
import { configOf } from '../config';
import { ApiError } from '../http/errors';
import { settingsFor } from '../settings';
import { sameString } from '../compare';
import { paypayClientOf } from '../paypay/from-config';
import { apiErrorOf, failureReasonOf } from '../paypay/outcomes';
import { codeChallengeS256, createCodeVerifier } from '../paypay/pkce';
import { EventHub, MAX_STREAMS } from './status-stream';
import { hashSecret, newNonce, newResultToken } from './ids';
import { canMove, viewOf, withoutPersonalData, type SessionRecord } from './record';
import type {
  CallbackInput,
  CallbackOutcome,
  CreateInput,
  CreateOutcome,
  ExchangeOutcome,
} from './contract';

/** An authorized session whose KYC fetch never finished is failed after this. */
const AUTHORIZED_TIMEOUT_MS = 2 * 60_000;
/** Ended sessions are kept a day so late polls get 410-style answers, then deleted. */
const KEEP_ENDED_MS = 24 * 3_600_000;

/**
 * One verification session. A Durable Object because the callback lands where
 * the phone is and the status poll where the desktop is: the state must be
 * strongly consistent and pushed at once, which KV cannot do.
 */
export class VerificationSession extends DurableObject<Env> {
  private record: SessionRecord | null = null;
  private readonly hub = new EventHub();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.record = (await ctx.storage.get<SessionRecord>('session')) ?? null;
    });
  }

  /** Creates the PayPay QR for this session. */
  async create(input: CreateInput): Promise<CreateOutcome> {
    if (this.record !== null) {
      return {
        ok: false,
        error: ApiError.of('SESSION_EXISTS', 'Session already exists').toData(),
      };
    }
    const config = configOf(this.env);
    try {
      const client = paypayClientOf(config);
      const [callbackUrl] = settingsFor(config, ['CALLBACK_URL']);
      const codeVerifier = createCodeVerifier();
      const nonce = newNonce(input.sessionId);
      const now = Date.now();
      const result = await client.createKycPassportQr({
        scopes: config.paypay.scopes,
        nonce,
        redirectUrl: callbackUrl,
        redirectType: input.redirectType,
        codeChallenge: await codeChallengeS256(codeVerifier),
        referenceId: input.referenceId,
        phoneNumber: input.phoneNumber,
        userAgent: input.userAgent,
        kycData: input.kycData,
      });
      if (!result.ok) return { ok: false, error: apiErrorOf(result).toData() };
      const expiresAt = result.data.expiresAt;
      if (result.data.expiryNote !== null) {
        // Visible, not fatal: the QR works, its countdown is ours (docs/paypay-assumptions.md).
        logLine('warn', 'paypay', {
          operation: 'createQr',
          note: result.data.expiryNote,
          paypayRequestId: result.requestId,
        });
      }
      const record: SessionRecord = {
        sessionId: input.sessionId,
        mode: input.mode,
        status: 'pending',
        lang: input.lang,
        redirectType: input.redirectType,
        referenceId: input.referenceId ?? null,
        createdAt: now,
        expiresAt,
        nonce,
        codeVerifier,
        codeId: result.data.codeId,
        qrUrl: result.data.linkQRCodeURL,
        failure: null,
        authorizedAt: null,
        completedAt: null,
        endedAt: null,
        userAuthorizationId: null,
        kyc: null,
        resultToken: null,
        resultSecretHash: null,
        resultExpiresAt: null,
        exchangedAt: null,
      };
      await this.save(record);
      return {
        ok: true,
        session: {
          sessionId: record.sessionId,
          qrUrl: record.qrUrl,
          expiresAt: new Date(expiresAt).toISOString(),
          status: 'pending',
        },
        paypayRequestId: result.requestId,
      };
    } catch (error) {
      if (error instanceof ApiError) return { ok: false, error: error.toData() };
      throw error;
    }
  }

  /** The browser's view, or null for a session that does not exist. */
  async view(): Promise<SessionView | null> {
    await this.expireIfDue();
    return this.record ? viewOf(this.record, Date.now()) : null;
  }

  /** A live status stream (Server-Sent Events); 404 for an unknown session. */
  override async fetch(): Promise<Response> {
    await this.expireIfDue();
    if (this.record === null) return new Response(null, { status: 404 });
    if (this.hub.size >= MAX_STREAMS) return new Response(null, { status: 429 });
    return this.hub.open(viewOf(this.record, Date.now()), isFinal(this.record));
  }

  /** PayPay sent the phone back with a verified responseToken. */
  async callback(input: CallbackInput): Promise<CallbackOutcome> {
    const record = this.record;
    if (record === null || !sameString(input.nonce, record.nonce)) return { outcome: 'invalid' };
    const lang = record.lang;
    await this.expireIfDue();
    if (record.status === 'expired' || this.record?.status === 'expired')
      return { outcome: 'expired', lang };
    // A second callback (a reload, a replay, a race) changes nothing.
    if (record.status !== 'pending') return { outcome: 'already', status: record.status, lang };
    if (input.result !== 'succeeded') {
      await this.fail(input.result);
      return { outcome: 'failed', reason: input.result, lang, paypayRequestId: null };
    }
    // Marked before the PayPay call, so a concurrent callback sees `authorized` and stops.
    await this.move({
      status: 'authorized',
      authorizedAt: Date.now(),
      userAuthorizationId: input.userAuthorizationId,
    });
    const client = paypayClientOf(configOf(this.env));
    const answer = await client.fetchCompletedKyc(record.codeId, {
      codeVerifier: record.codeVerifier ?? '',
      userAuthorizationId: input.userAuthorizationId,
    });
    if (!answer.ok) {
      const reason = failureReasonOf(answer);
      await this.fail(reason);
      return { outcome: 'failed', reason, lang, paypayRequestId: answer.requestId };
    }
    const { token, secret } = newResultToken(record.sessionId);
    const now = Date.now();
    await this.move({
      status: 'completed',
      completedAt: now,
      endedAt: now,
      kyc: answer.data,
      codeVerifier: null,
      resultToken: token,
      resultSecretHash: await hashSecret(secret),
      resultExpiresAt: now + configOf(this.env).resultTtlSeconds * 1000,
    });
    return { outcome: 'completed', lang, paypayRequestId: answer.requestId };
  }

  /** The merchant's server trades the result token for the KYC info, once. */
  async exchange(secret: string): Promise<ExchangeOutcome> {
    await this.expireIfDue();
    const record = this.record;
    if (record === null || record.resultSecretHash === null)
      return { ok: false, code: 'RESULT_NOT_FOUND' };
    if (!sameString(await hashSecret(secret), record.resultSecretHash))
      return { ok: false, code: 'RESULT_NOT_FOUND' };
    if (record.exchangedAt !== null) return { ok: false, code: 'RESULT_ALREADY_EXCHANGED' };
    const now = Date.now();
    if (
      record.resultExpiresAt === null ||
      record.resultExpiresAt <= now ||
      record.kyc === null ||
      record.userAuthorizationId === null
    ) {
      return { ok: false, code: 'RESULT_EXPIRED' };
    }
    const result = {
      sessionId: record.sessionId,
      mode: record.mode,
      referenceId: record.referenceId,
      userAuthorizationId: record.userAuthorizationId,
      completedAt: new Date(record.completedAt ?? now).toISOString(),
      kyc: record.kyc,
    };
    // Personal data leaves with this answer and is not kept.
    await this.save({ ...withoutPersonalData(record), exchangedAt: now });
    return { ok: true, result };
  }

  /** Expiry, clean-up of personal data, and final deletion, each when due. */
  override async alarm(): Promise<void> {
    const record = this.record;
    if (record === null) return;
    const now = Date.now();
    if (record.endedAt !== null && now >= record.endedAt + KEEP_ENDED_MS) {
      this.hub.closeAll();
      this.record = null;
      await this.ctx.storage.deleteAll();
      return;
    }
    if (
      record.status === 'authorized' &&
      record.authorizedAt !== null &&
      now >= record.authorizedAt + AUTHORIZED_TIMEOUT_MS
    ) {
      await this.fail('PAYPAY_UNAVAILABLE');
      return;
    }
    if (
      record.kyc !== null &&
      record.completedAt !== null &&
      now >= record.completedAt + configOf(this.env).kycRetentionSeconds * 1000
    ) {
      await this.save(withoutPersonalData(record));
      return;
    }
    if (!(await this.expireIfDue())) await this.schedule(record);
  }

  private async expireIfDue(): Promise<boolean> {
    const record = this.record;
    if (record === null || record.status !== 'pending' || Date.now() < record.expiresAt)
      return false;
    await this.move({ status: 'expired', endedAt: Date.now(), codeVerifier: null });
    return true;
  }

  private async fail(reason: FailureReason): Promise<void> {
    await this.move({
      status: 'failed',
      failure: reason,
      endedAt: Date.now(),
      codeVerifier: null,
      userAuthorizationId: null,
    });
  }

  private async move(change: Partial<SessionRecord>): Promise<void> {
    const record = this.record;
    if (record === null) return;
    if (
      change.status !== undefined &&
      change.status !== record.status &&
      !canMove(record.status, change.status)
    )
      return;
    const next = { ...record, ...change };
    await this.save(next);
    if (next.status !== record.status) this.hub.send(viewOf(next, Date.now()), isFinal(next));
  }

  private async save(record: SessionRecord): Promise<void> {
    this.record = record;
    await this.ctx.storage.put('session', record);
    await this.schedule(record);
  }

  /** One alarm: the earliest thing still to do for this session. */
  private async schedule(record: SessionRecord): Promise<void> {
    const retention = configOf(this.env).kycRetentionSeconds * 1000;
    const due = [
      record.status === 'pending' ? record.expiresAt : null,
      record.status === 'authorized' && record.authorizedAt !== null
        ? record.authorizedAt + AUTHORIZED_TIMEOUT_MS
        : null,
      record.kyc !== null && record.completedAt !== null ? record.completedAt + retention : null,
      record.endedAt !== null ? record.endedAt + KEEP_ENDED_MS : null,
    ].filter((t): t is number => t !== null);
    if (due.length > 0) await this.ctx.storage.setAlarm(Math.min(...due));
  }
}

function isFinal(record: SessionRecord): boolean {
  return TERMINAL_STATUSES.includes(record.status);
}
