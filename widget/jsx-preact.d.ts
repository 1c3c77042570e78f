/**
 * `paypay-kyc-passport/jsx-preact`: `<paypay-kyc-passport>` in Preact's JSX,
 * with its attributes' allowed values and its events as `on<event>` props.
 * Types only, named once by a project (docs/embedding.md); its own entry so a
 * Preact project needs nothing of React's or Vue's types (see jsx-react.d.ts).
 * `HTMLAttributes` is imported: Preact re-exports it (`export *`), and names
 * re-exported so are not in scope inside an augmentation of the module.
 */
import type { HTMLAttributes } from 'preact';
import type { PayPayKycPassportAttributes, PayPayKycPassportJsxEvents } from './frameworks';
import type { PayPayKycPassport } from './paypay-kyc-passport';

type Own = keyof PayPayKycPassportAttributes | keyof PayPayKycPassportJsxEvents;

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      'paypay-kyc-passport': Omit<HTMLAttributes<PayPayKycPassport>, Own> &
        PayPayKycPassportAttributes &
        PayPayKycPassportJsxEvents;
    }
  }
}
