/**
 * `<paypay-kyc-passport>` for the type checkers of JSX (React 19, Preact) and
 * Vue templates: its attributes with their allowed values, and its events.
 * Framework-free, so the `.` entry exports them to every project; each
 * framework's own types entry (jsx-react.d.ts, jsx-preact.d.ts, vue.d.ts) puts
 * them into that framework's module.
 */
import type { DisplayMode } from './attributes';
import type {
  KycPassportCompleteEvent,
  KycPassportErrorEvent,
  KycPassportExpiredEvent,
  KycPassportReadyEvent,
  KycPassportStatusEvent,
} from './events';

/** The element's attributes, as markup writes them. */
export interface PayPayKycPassportAttributes {
  /** The Worker's URL (this or `session-provider` is required). */
  endpoint?: string | undefined;
  /** The merchant's id for this customer, passed to PayPay (public mode only). */
  'reference-id'?: string | undefined;
  /** `ja` or `en`; default: the page's `<html lang>`, then the browser's. */
  lang?: 'ja' | 'en' | undefined;
  /** `WEB_LINK` (default) or `APP_DEEP_LINK`. */
  'redirect-type'?: 'WEB_LINK' | 'APP_DEEP_LINK' | undefined;
  /** On unless `"false"`: start as soon as the element is on the page. */
  'auto-start'?: boolean | 'true' | 'false' | undefined;
  /** Fetch a fresh QR before the old one expires, while the page is visible. */
  'auto-refresh'?: boolean | undefined;
  /** `auto` (QR on desktop, button on phones), `qr` or `button`. */
  mode?: DisplayMode | undefined;
  /** A merchant URL that creates sessions server-side (POST, credentials included). */
  'session-provider'?: string | undefined;
  /** The facts the merchant receives, names separated by spaces or commas (public mode; default: everything). */
  claims?: string | undefined;
}

/** The element's events as JSX listener props: `on` + the event's name (React 19, Preact). */
export interface PayPayKycPassportJsxEvents {
  'onkyc-passport-ready'?: ((event: KycPassportReadyEvent) => void) | undefined;
  'onkyc-passport-status'?: ((event: KycPassportStatusEvent) => void) | undefined;
  'onkyc-passport-complete'?: ((event: KycPassportCompleteEvent) => void) | undefined;
  'onkyc-passport-expired'?: ((event: KycPassportExpiredEvent) => void) | undefined;
  'onkyc-passport-error'?: ((event: KycPassportErrorEvent) => void) | undefined;
}

/** The element's events as Vue listener props (`@kyc-passport-complete` in a template). */
export interface PayPayKycPassportVueEvents {
  onKycPassportReady?: (event: KycPassportReadyEvent) => void;
  onKycPassportStatus?: (event: KycPassportStatusEvent) => void;
  onKycPassportComplete?: (event: KycPassportCompleteEvent) => void;
  onKycPassportExpired?: (event: KycPassportExpiredEvent) => void;
  onKycPassportError?: (event: KycPassportErrorEvent) => void;
}
