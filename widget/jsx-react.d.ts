/**
 * `paypay-kyc-passport/jsx-react`: `<paypay-kyc-passport>` in React 19's JSX,
 * with its attributes' allowed values and its events as `on<event>` props.
 * Types only; a project names it once (`/// <reference types=...>` or
 * `compilerOptions.types`, docs/embedding.md). Each framework has its own
 * entry because an augmentation of a framework that is not installed fails to
 * compile under `skipLibCheck: false` (test/e2e/framework-types.test.ts). A
 * declaration file, copied by scripts/build.mjs: it only augments `react`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { PayPayKycPassportAttributes, PayPayKycPassportJsxEvents } from './frameworks';
import type { PayPayKycPassport } from './paypay-kyc-passport';

type Own = keyof PayPayKycPassportAttributes | keyof PayPayKycPassportJsxEvents;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'paypay-kyc-passport': Omit<
        DetailedHTMLProps<HTMLAttributes<PayPayKycPassport>, PayPayKycPassport>,
        Own
      > &
        PayPayKycPassportAttributes &
        PayPayKycPassportJsxEvents;
    }
  }
}
