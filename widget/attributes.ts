/** What the element shows, also its card's `data-state`. */
export type ViewState =
  'idle' | 'creating' | 'qr' | 'authorized' | 'completed' | 'failed' | 'expired' | 'error';

/** `mode`: QR on desktops and an Open PayPay button on phones, or one of them always. */
export type DisplayMode = 'auto' | 'qr' | 'button';

/**
 * A boolean attribute that is on unless it says otherwise (`auto-start`):
 * a plain boolean attribute could not be turned off from HTML.
 */
export const onUnlessFalse = {
  fromAttribute: (value: string | null): boolean =>
    value === null || !['false', 'off', '0'].includes(value.toLowerCase()),
  toAttribute: (value: boolean): string => (value ? '' : 'false'),
};
