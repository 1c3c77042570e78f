/**
 * `paypay-kyc-passport/svelte`: `<paypay-kyc-passport>` in Svelte 5's
 * `SvelteHTMLElements`, so svelte-check checks its attributes' values and
 * types its `onkyc-passport-*` listeners. Types only, named once by a project
 * (docs/svelte.md); its own entry so a Svelte project needs nothing of
 * React's, Preact's or Vue's types (see jsx-react.d.ts). Svelte 5 listens
 * with `on` + the event's name, so the listeners are the JSX ones.
 */
import type { HTMLAttributes } from 'svelte/elements';
import type { PayPayKycPassportAttributes, PayPayKycPassportJsxEvents } from './frameworks';
import type { PayPayKycPassport } from './paypay-kyc-passport';

type Own = keyof PayPayKycPassportAttributes | keyof PayPayKycPassportJsxEvents;

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'paypay-kyc-passport': Omit<HTMLAttributes<PayPayKycPassport>, Own> &
      PayPayKycPassportAttributes &
      PayPayKycPassportJsxEvents;
  }
}
