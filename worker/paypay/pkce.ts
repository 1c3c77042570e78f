import { encodeBase64Url } from './base64';

/**
 * A PKCE code verifier (RFC 7636 section 4.1): 64 base64url characters from 48
 * random bytes. 64 because PayPay's fetch call caps codeVerifier at 64
 * characters while RFC 7636 allows 43 to 128; 384 bits is far above the RFC's 256.
 */
export function createCodeVerifier(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(48)));
}

/** The S256 code challenge: BASE64URL(SHA-256(ASCII(verifier))). */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return encodeBase64Url(new Uint8Array(digest));
}

/** Whether a string is a well-formed RFC 7636 verifier (43-128 unreserved characters). */
export function isCodeVerifier(value: string): boolean {
  return /^[A-Za-z0-9\-._~]{43,128}$/.test(value);
}
