import { DurableObject } from 'cloudflare:workers';
import { err, ok, type Result } from '../../shared/result';
import type { FailureReason, SessionView } from '../../shared/wire';
import { configOf } from '../settings/config';
import { sameString } from '../compare';
import type { Failure } from '../http/failure';
import { PayPayClient } from '../paypay/client';
import { failureReasonOf } from '../paypay/failures';
import type { PayPayConfig } from '../paypay/from-config';
import { EventHub, MAX_STREAMS } from './status-stream';
import { hashSecret, randomText } from './ids';
import { readerView } from './reader';
import { SECRET_HEADER } from './locate';
import { receiptedExchange } from './exchange';
import type { ReceiptOptions } from '../receipts/issue';
import { newQr } from './new-qr';
import { tellFeed } from './tell-feed';
import { completionOf } from './completion';
import { DEFAULT_KYC_FIELDS } from '../paypay/kyc-fields';
import { countCreated, countMove, countShown } from '../metrics/session-counts';
import { hostedViewOf, type HostedView } from './hosted-view';
import {
  alarmStep,
  canMove,
  dueTimes,
  isFinal,
  storedRecord,
  withoutPersonalData,
  type SessionRecord,
} from './record';
import type {
  CallbackInput,
  CallbackResult,
  CreateInput,
  CreateResult,
  ExchangeResult,
  TokenUsed,
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
      const stored = await ctx.storage.get<SessionRecord>('session');
      this.record = stored === undefined ? null : storedRecord(stored);
    });
  }

  /** Creates the PayPay QR for this session, with the settings the route checked. */
  async create(input: CreateInput): Promise<CreateResult> {
    if (this.record !== null) return err({ code: 'SESSION_EXISTS' });
    const made = await newQr(input, this.objectId, Date.now());
    if (!made.ok) return made;
    const { record, secret, paypayRequestId } = made.value;
    await this.save(record);
    countCreated(this.env, this.ctx, record);
    return ok({
      session: {
        sessionId: this.sessionIdOf(secret),
        qrUrl: record.qrUrl,
        expiresAt: new Date(record.expiresAt).toISOString(),
        status: 'pending',
      },
      paypayRequestId,
    });
  }

  /** The browser's view; SESSION_NOT_FOUND for a session that does not exist or another secret. */
  async view(
    secret: string,
  ): Promise<Result<SessionView, Extract<Failure, { code: 'SESSION_NOT_FOUND' }>>> {
    await this.expireIfDue();
    if (!(await this.admits(secret))) return err({ code: 'SESSION_NOT_FOUND' });
    return ok(await this.viewFor(secret));
  }

  /** What the hosted page may know (hosted-view.ts); SESSION_NOT_FOUND as for `view`. */
  async hosted(secret: string): Promise<Result<HostedView, { code: 'SESSION_NOT_FOUND' }>> {
    await this.expireIfDue();
    if (!(await this.admits(secret))) return err({ code: 'SESSION_NOT_FOUND' });
    return ok(hostedViewOf(this.record!, this.sessionIdOf(secret)));
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

  /**
   * PayPay sent the phone back with a verified responseToken; `paypay` is what
   * the callback route checked, for the KYC fetch.
   */
  async callback(input: CallbackInput, paypay: PayPayConfig): Promise<CallbackResult> {
    const nonceHash = await hashSecret(input.nonce);
    const record = this.record;
    if (record === null || !sameString(nonceHash, record.nonceHash))
      return err({ code: 'SESSION_NOT_FOUND' });
    const lang = record.lang;
    const used = (page: TokenUsed['page'], paypayRequestId: string | null = null) =>
      ok({ page, lang, paypayRequestId, reread: null });
    await this.expireIfDue();
    if (record.status === 'expired' || this.record?.status === 'expired')
      return used({ kind: 'expired' });
    // A second callback (a reload, a replay, a race) changes nothing.
    if (record.status !== 'pending') return used({ kind: 'already', status: record.status });
    if (input.result !== 'succeeded') {
      const reason = input.result === 'misaddressed' ? 'PAYPAY_ERROR' : input.result;
      await this.fail(reason);
      return used({ kind: 'failed', reason });
    }
    // Marked before the PayPay call, so a concurrent callback sees `authorized` and stops.
    await this.move({
      status: 'authorized',
      authorizedAt: Date.now(),
      userAuthorizationId: input.userAuthorizationId,
    });
    const fetched = await new PayPayClient(paypay).fetchCompletedKyc(record.codeId, {
      codeVerifier: record.codeVerifier ?? '',
      userAuthorizationId: input.userAuthorizationId,
    });
    if (!fetched.ok) {
      const reason = failureReasonOf(fetched);
      await this.fail(reason);
      return used({ kind: 'failed', reason }, fetched.requestId);
    }
    const now = Date.now();
    const completion = completionOf(
      fetched.data,
      record.claims,
      paypay.fields?.kyc ?? DEFAULT_KYC_FIELDS,
      record.acceptedMethods,
      now,
      fetched.requestId,
    );
    if (!completion.accepted) {
      await this.fail(completion.reason);
      return used({ kind: 'failed', reason: completion.reason }, fetched.requestId);
    }
    const config = configOf(this.env);
    await this.move({
      status: 'completed',
      completedAt: now,
      endedAt: now,
      released: completion.released,
      kycRequestId: fetched.requestId,
      codeVerifier: null,
      resultSalt: randomText(16),
      resultExpiresAt: now + config.resultTtlSeconds * 1000,
    });
    const told = await tellFeed(this.env, {
      userAuthorizationId: input.userAuthorizationId,
      sessionObjectId: this.objectId,
      referenceId: record.referenceId,
      // A public session's referenceId came from the browser: the user state says so.
      referenceIdMode: record.referenceId === null ? null : record.mode,
      kycUntil: now + Math.max(config.resultTtlSeconds, config.kycRetentionSeconds) * 1000,
      now,
    });
    // The user asked to be forgotten while verifying: the forget wins, its KYC goes now.
    if (told.forgetting && this.record) await this.save(withoutPersonalData(this.record));
    return ok({
      page: { kind: 'completed' },
      lang,
      paypayRequestId: fetched.requestId,
      reread: told.reread,
    });
  }

  /**
   * A forget of `uaid`: the KYC waiting for its exchange, and the id, leave
   * this object; a later exchange finds nothing. True when this object held them.
   */
  async forgetUser(uaid: string): Promise<Result<boolean, never>> {
    const record = this.record;
    if (record === null || record.userAuthorizationId !== uaid) return ok(false);
    await this.save(withoutPersonalData(record));
    return ok(true);
  }

  /** The merchant's server trades the result token for the released claims, once, with their receipt. */
  async exchange(secret: string, options: ReceiptOptions): Promise<ExchangeResult> {
    // One at a time: an exchange arriving while the receipt log answers must find this one done.
    return this.ctx.blockConcurrencyWhile(async () => {
      await this.expireIfDue();
      const now = Date.now();
      const { record, objectId, env } = this;
      const exchanged = await receiptedExchange(record, objectId, secret, now, env, options);
      // Personal data leaves with this answer and is not kept.
      if (exchanged.ok && this.record)
        await this.save({ ...withoutPersonalData(this.record), exchangedAt: now });
      return exchanged;
    });
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
    countMove(this.env, this.ctx, record, next);
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
    await countShown(this.env, this.ctx, this.record);
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
