/** PayPay caps userAuthorizationId at 64 characters; the charset keeps it out of headers' trouble. */
export const UAID_PATTERN = /^[A-Za-z0-9\-_.:]{1,64}$/;
