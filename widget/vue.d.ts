/**
 * `paypay-kyc-passport/vue`: `<paypay-kyc-passport>` in Vue's `GlobalComponents`,
 * so templates check its attributes and `@kyc-passport-*` listeners. Types
 * only, named once by a project (docs/embedding.md); its own entry so a Vue
 * project needs nothing of React's or Preact's types (see jsx-react.d.ts).
 */
import type { PayPayKycPassportAttributes, PayPayKycPassportVueEvents } from './frameworks';

declare module 'vue' {
  interface GlobalComponents {
    'paypay-kyc-passport': new () => {
      $props: PayPayKycPassportAttributes & PayPayKycPassportVueEvents;
    };
  }
}
