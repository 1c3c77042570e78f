/**
 * A fixed receipt signing key for settings tests that expect a production
 * configuration done right (no warning): RECEIPT_SIGNING_KEY as
 * `paypay-kyc receipt keygen` prints it. A test key: it signs nothing real.
 */
export const TEST_RECEIPT_KEY = JSON.stringify({
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'bjuTawYRJzeRpyDxGkVujEITMiN1WKn2s4iBlbAo2bs',
  d: 'unX7Ee10orsp6hbpXf0UHy4L79DrAsXtx0nsplWUuyU',
  kid: 'test-1',
});
