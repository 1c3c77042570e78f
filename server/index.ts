/**
 * `paypay-kyc-passport/server`: the merchant server's side of the Worker, on
 * anything with `fetch` and WebCrypto (Node 18+, Workers, Deno, Bun), no Node
 * built-ins. `createClient` makes the bearer calls (sessions, the exchange,
 * users, the event feed); `verifyEvent` checks an event forwarded to
 * MERCHANT_WEBHOOK_URL; `verifyReceipt` checks a signed receipt of an exchange
 * against the Worker's public keys, years later if need be. Every failure is a
 * `KycPassportError`. The types are
 * generated from docs/openapi.json (`components`, `paths`, `webhooks`).
 */
export {
  createClient,
  type ClientOptions,
  type CreatedSession,
  type EventStream,
  type EventsOptions,
  type ExchangeResult,
  type FeedEvent,
  type FeedPage,
  type ForgetAccepted,
  type KycPassportClient,
  type MerchantSessionRequest,
  type SessionView,
  type UserKyc,
  type UserState,
} from './client.js';
export {
  KycPassportError,
  type ClientErrorCode,
  type KycPassportErrorCode,
  type KycPassportErrorDetails,
  type ReceiptErrorCode,
  type VerifyErrorCode,
} from './errors.js';
export {
  verifyReceipt,
  type ReceiptPayload,
  type ReleasedValues,
  type VerifiedReceipt,
} from './receipt.js';
export type { ReceiptJwk, ReceiptKeys } from './receipt-keys.js';
export {
  ReplayGuard,
  verifyEvent,
  type ForwardedEvent,
  type HeadersLike,
  type VerifyOptions,
} from './verify.js';
export type { components, paths, webhooks } from './api-types.js';
