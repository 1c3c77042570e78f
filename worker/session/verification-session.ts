import { DurableObject } from 'cloudflare:workers';
import { logLine } from '../log';
import { TERMINAL_STATUSES, type FailureReason, type SessionView } from '../../shared/wire';
import { configOf } from '../config';
import { ApiError } from '../http/errors';
import { settingsFor } from '../settings';
import { sameString } from '../compare';
import { feedOf } from '../feed/stub';
import type { RereadClaim } from '../feed/event-feed';
import { paypayClientOf } from '../paypay/from-config';
import { apiErrorOf, failureReasonOf } from '../paypay/outcomes';
import { codeChallengeS256, createCodeVerifier } from '../paypay/pkce';
import { EventHub, MAX_STREAMS } from './status-stream';
import { hashSecret, newNonceSecret, newSessionSecret, randomText } from './ids';
import { exchangedSessionId, readerView } from './reader';
import { SECRET_HEADER } from './locate';
import {
  alarmStep,
  canMove,
  dueTimes,
  pendingRecord,
  withoutPersonalData,
  type SessionRecord,
} from './record';
import type {
  CallbackInput,
  CallbackOutcome,
  CreateInput,
  CreateOutcome,
  ExchangeOutcome,
} from './contract';

/**
 * One verification session. A Durable Object because the callback lands where
 * the phone is and the status poll where the desktop is: the state must be
 * strongly consistent and pushed at once, which KV cannot do.
 */
export class VerificationSession extends DurableObject<Env> {
  private record: SessionRecord | null = null;
  private readonly hub = new EventHub();
  /**
   * The session id's secret, in memory only, once a reader has proved it: the
   * completion pushed to open streams carries the token derived from it.
   */
  private sessionSecret: string | null = null;

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
      const secret = newSessionSecret();
      const nonce = `${this.objectId}.${newNonceSecret()}`;
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
      const record = pendingRecord({
        sessionSecretHash: await hashSecret(secret),
        mode: input.mode,
        lang: input.lang,
        redirectType: input.redirectType,
        referenceId: input.referenceId ?? null,
        createdAt: now,
        expiresAt,
        nonceHash: await hashSecret(nonce),
        codeVerifier,
        codeId: result.data.codeId,
        qrUrl: result.data.linkQRCodeURL,
      });
      await this.save(record);
      return {
        ok: true,
        session: {
          sessionId: this.sessionIdOf(secret),
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

  /** The browser's view, or null for a session that does not exist or another secret. */
  async view(secret: string): Promise<SessionView | null> {
    await this.expireIfDue();
    return (await this.admits(secret)) ? this.viewFor(secret) : null;
  }

  /** A live status stream (Server-Sent Events); 404 for an unknown session or secret. */
  override async fetch(request: Request): Promise<Response> {
    await this.expireIfDue();
    const secret = request.headers.get(SECRET_HEADER) ?? '';
    if (!(await this.admits(secret))) return new Response(null, { status: 404 });
    if (this.hub.size >= MAX_STREAMS) return new Response(null, { status: 429 });
    const view = await this.viewFor(secret);
    return this.hub.open(view, this.record !== null && isFinal(this.record));
  }

  /** PayPay sent the phone back with a verified responseToken. */
  async callback(input: CallbackInput): Promise<CallbackOutcome> {
    const nonceHash = await hashSecret(input.nonce);
    const record = this.record;
    if (record === null || !sameString(nonceHash, record.nonceHash)) return { outcome: 'invalid' };
    const lang = record.lang;
    await this.expireIfDue();
    if (record.status === 'expired' || this.record?.status === 'expired')
      return { outcome: 'expired', lang };
    // A second callback (a reload, a replay, a race) changes nothing.
    if (record.status !== 'pending') return { outcome: 'already', status: record.status, lang };
    if (input.result !== 'succeeded') {
      const reason = input.result === 'misaddressed' ? 'PAYPAY_ERROR' : input.result;
      await this.fail(reason);
      return { outcome: 'failed', reason, lang, paypayRequestId: null };
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
    const now = Date.now();
    const config = configOf(this.env);
    await this.move({
      status: 'completed',
      completedAt: now,
      endedAt: now,
      kyc: answer.data,
      codeVerifier: null,
      resultSalt: randomText(16),
      resultExpiresAt: now + config.resultTtlSeconds * 1000,
    });
    const told = await this.tellFeed(input.userAuthorizationId, record, now);
    // The user asked to be forgotten while verifying: the forget wins, its KYC goes now.
    if (told.forgetting && this.record) await this.save(withoutPersonalData(this.record));
    return { outcome: 'completed', lang, paypayRequestId: answer.requestId, reread: told.reread };
  }

  /**
   * The feed learns of the linked user and of this object holding its KYC (a
   * forget must find it). Not fatal: the verification stands, and the feed
   * learns of the user from PayPay's webhooks and recon files anyway.
   */
  private async tellFeed(
    uaid: string,
    { referenceId, mode }: Pick<SessionRecord, 'referenceId' | 'mode'>,
    now: number,
  ): Promise<{ reread: RereadClaim | null; forgetting: boolean }> {
    const config = configOf(this.env);
    try {
      const told = await feedOf(this.env).verified({
        userAuthorizationId: uaid,
        sessionObjectId: this.objectId,
        referenceId,
        // A public session's referenceId came from the browser: the user state says so.
        referenceIdMode: referenceId === null ? null : mode,
        kycUntil: now + Math.max(config.resultTtlSeconds, config.kycRetentionSeconds) * 1000,
        now,
      });
      return told.value;
    } catch (error) {
      logLine('error', 'error', {
        what: 'verification not recorded in the feed',
        error: error instanceof Error ? error.name : typeof error,
      });
      return { reread: null, forgetting: false };
    }
  }

  /**
   * A forget of `uaid`: the KYC waiting for its exchange, and the id, leave
   * this object; a later exchange finds nothing. True when this object held them.
   */
  async forgetUser(uaid: string): Promise<boolean> {
    const record = this.record;
    if (record === null || record.userAuthorizationId !== uaid) return false;
    await this.save(withoutPersonalData(record));
    return true;
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
      sessionId: await exchangedSessionId(record, this.objectId, secret),
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
    const step = alarmStep(record, now, configOf(this.env).kycRetentionSeconds * 1000);
    if (step === 'delete') {
      this.hub.closeAll();
      this.record = null;
      await this.ctx.storage.deleteAll();
    } else if (step === 'timeout') {
      await this.fail('PAYPAY_UNAVAILABLE');
    } else if (step === 'forget') {
      await this.save(withoutPersonalData(record));
    } else if (!(await this.expireIfDue())) await this.schedule(record);
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
    if (next.status === record.status || this.hub.size === 0 || this.sessionSecret === null) return;
    this.hub.send(await this.viewFor(this.sessionSecret), isFinal(next));
  }

  private get objectId(): string {
    return this.ctx.id.toString();
  }

  private sessionIdOf(secret: string): string {
    return `${this.objectId}.${secret}`;
  }

  /** Whether `secret` is this session's: compared as hashes, in constant time. */
  private async admits(secret: string): Promise<boolean> {
    const hash = await hashSecret(secret);
    if (this.record === null || !sameString(hash, this.record.sessionSecretHash)) return false;
    this.sessionSecret = secret;
    return true;
  }

  /** The view for a proven secret, storing the token's hash the first time it is shown. */
  private async viewFor(secret: string): Promise<SessionView> {
    const { view, changed } = await readerView(this.record!, this.objectId, secret, Date.now());
    if (changed !== null) await this.save(changed);
    return view;
  }

  private async save(record: SessionRecord): Promise<void> {
    this.record = record;
    await this.ctx.storage.put('session', record);
    await this.schedule(record);
  }

  /** One alarm: the earliest thing still to do for this session. */
  private async schedule(record: SessionRecord): Promise<void> {
    const due = dueTimes(record, configOf(this.env).kycRetentionSeconds * 1000);
    if (due.length > 0) await this.ctx.storage.setAlarm(Math.min(...due));
  }
}

function isFinal(record: SessionRecord): boolean {
  return TERMINAL_STATUSES.includes(record.status);
}
