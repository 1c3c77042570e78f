/**
 * `<paypay-kyc-passport>`: importing this file (or loading the built script)
 * registers the element, once, however often it is loaded.
 */
import { PayPayKycPassport } from './paypay-kyc-passport';

PayPayKycPassport.define();

export { PayPayKycPassport };
export type { DisplayMode, ViewState } from './attributes';
export * from './events';
export type {
  PayPayKycPassportAttributes,
  PayPayKycPassportJsxEvents,
  PayPayKycPassportVueEvents,
} from './frameworks';
export type { FailureReason, SessionStatus } from '../shared/wire';

declare global {
  interface HTMLElementTagNameMap {
    'paypay-kyc-passport': PayPayKycPassport;
  }
}
