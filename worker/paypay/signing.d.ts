/** What one OPA-Auth signature covers. */
export interface SigningInput {
    apiKey: string;
    apiSecret: string;
    method: string;
    /** Request path only: leading "/", no host, no query string. */
    path: string;
    /** The exact Content-Type header sent; undefined when there is no body. */
    contentType?: string;
    /** The exact body bytes sent; undefined or empty when there is no body. */
    body?: Uint8Array;
    nonce: string;
    /** Seconds since the epoch. */
    epoch: number;
}
/**
 * The `Authorization` header PayPay's OPA expects, built exactly as PayPay's
 * SDKs do (../shared/paypay/README.md): MD5 over content type + body, then
 * HMAC-SHA256 keyed with the secret's UTF-8 bytes as is (not base64-decoded).
 * node:crypto rather than WebCrypto because standard WebCrypto has no MD5 and
 * the same code then runs in workerd (nodejs_compat) and in Node (bench).
 */
export declare function opaAuthHeader(input: SigningInput): string;
/** A fresh request nonce: 16 random alphanumerics (PayPay recommends at least 8). */
export declare function newRequestNonce(): string;
