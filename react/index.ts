/**
 * `paypay-kyc-passport/react`: the element as a React component, for React 18
 * and 19, made with `@lit/react`: properties set as properties, and the
 * element's events as typed `on…` props. Importing it registers the element.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import {
  PayPayKycPassport,
  type KycPassportCompleteEvent,
  type KycPassportErrorEvent,
  type KycPassportExpiredEvent,
  type KycPassportReadyEvent,
  type KycPassportStatusEvent,
} from '../widget/index';

/**
 * `<KycPassport endpoint="https://kyc.example.com" onComplete={(e) => …} />`.
 * Props are the element's properties (`endpoint`, `referenceId`, `lang`,
 * `redirectType`, `autoStart`, `autoRefresh`, `mode`, `sessionProvider`);
 * `ref` is the element itself (`start()`, `reset()`).
 */
export const KycPassport = createComponent({
  tagName: 'paypay-kyc-passport',
  elementClass: PayPayKycPassport,
  react: React,
  events: {
    onReady: 'kyc-passport-ready' as EventName<KycPassportReadyEvent>,
    onStatus: 'kyc-passport-status' as EventName<KycPassportStatusEvent>,
    onComplete: 'kyc-passport-complete' as EventName<KycPassportCompleteEvent>,
    onExpired: 'kyc-passport-expired' as EventName<KycPassportExpiredEvent>,
    onError: 'kyc-passport-error' as EventName<KycPassportErrorEvent>,
  },
  displayName: 'KycPassport',
});

export type KycPassportProps = React.ComponentProps<typeof KycPassport>;
