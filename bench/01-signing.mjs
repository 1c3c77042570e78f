// CPU time of signing, and of one whole signed PayPay request (serialise, sign,
// build headers, parse the answer) with the network replaced by a canned answer;
// beside it, the OPA-Auth header of PayPay's official Node SDK on the same inputs.
import { createRequire } from 'node:module';
import { importTs } from './_bundle.mjs';

export const name = 'OPA request signing (Node, same code as the Worker)';

function cpuMicros(iterations, fn) {
  const start = process.cpuUsage();
  const result = fn(iterations);
  const used = process.cpuUsage(start);
  return { perOp: (used.user + used.system) / iterations, result };
}

async function cpuMicrosAsync(iterations, fn) {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / iterations;
}

export async function run(log) {
  const { opaAuthHeader } = await importTs('worker/paypay/signing.ts');
  const { PayPayClient } = await importTs('worker/paypay/client.ts');
  const payload = {
    scopes: ['kyc_passport_qr'],
    nonce: 'x'.repeat(43),
    redirectType: 'WEB_LINK',
    redirectUrl: 'https://kyc.example.com/v1/callback',
    referenceId: 'user-42',
    accountLinkFlow: 'KYC_PASSPORT',
    kycPassport: {
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      codeChallengeMethod: 'S256',
    },
  };
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const input = {
    apiKey: 'k',
    apiSecret: 's'.repeat(44),
    method: 'POST',
    path: '/v1/qr/sessions',
    contentType: 'application/json',
    body,
    nonce: 'abcdefgh',
    epoch: 1_790_000_000,
  };
  for (let i = 0; i < 2000; i++) opaAuthHeader(input); // warm up
  const sign = cpuMicros(50_000, (n) => {
    let last = '';
    for (let i = 0; i < n; i++) last = opaAuthHeader(input);
    return last;
  });
  log(
    `opaAuthHeader (${body.length}-byte body): ${sign.perOp.toFixed(2)} µs CPU per signature (50,000 runs)`,
  );

  // PayPay's SDK builds the header in PayPayRestSDK.createAuthHeader(method, path, body):
  // JSON.stringify of the body, crypto-js MD5 and HMAC-SHA256, a uuid v4 nonce, Date.now().
  const sdk = createRequire(import.meta.url)(
    '@paypayopa/paypayopa-sdk-node/dist/lib/paypay-rest-sdk.js',
  ).payPayRestSDK;
  sdk.configure({ clientId: input.apiKey, clientSecret: input.apiSecret });
  const header = sdk.createAuthHeader(input.method, input.path, payload);
  // Same inputs, same header: ours with the SDK's nonce and time must give its header.
  const [, , , nonce, epoch] = header.split(':');
  const same = opaAuthHeader({ ...input, nonce, epoch: Number(epoch) }) === header;
  if (!same) throw new Error(`the SDK's header differs from ours: ${header}`);
  for (let i = 0; i < 2000; i++) sdk.createAuthHeader(input.method, input.path, payload);
  const official = cpuMicros(20_000, (n) => {
    let last = '';
    for (let i = 0; i < n; i++) last = sdk.createAuthHeader(input.method, input.path, payload);
    return last;
  });
  log(
    `PayPay's Node SDK createAuthHeader, same inputs (@paypayopa/paypayopa-sdk-node): ${official.perOp.toFixed(2)} µs CPU per signature (20,000 runs; ${(official.perOp / sign.perOp).toFixed(1)}x ours; same header for the same nonce and time)`,
  );

  const canned = JSON.stringify({
    resultInfo: { code: 'SUCCESS', message: 'Success', codeId: '08100001' },
    data: { codeId: 'kpq_1', linkQRCodeURL: 'https://qr.example/kpq_1', expiryDate: 1_790_000_300 },
  });
  const client = new PayPayClient({
    baseUrl: 'https://paypay.test',
    apiKey: 'k',
    apiSecret: 's'.repeat(44),
    fetch: async () => new Response(canned, { status: 201, headers: { 'X-REQUEST-ID': 'R1' } }),
  });
  const call = () =>
    client.createKycPassportQr({
      scopes: ['kyc_passport_qr'],
      nonce: 'x'.repeat(43),
      redirectUrl: 'https://kyc.example.com/v1/callback',
      redirectType: 'WEB_LINK',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      referenceId: 'user-42',
    });
  await cpuMicrosAsync(1000, call); // warm up
  const perRequest = await cpuMicrosAsync(10_000, call);
  log(
    `one signed createQr request, end to end without network: ${perRequest.toFixed(1)} µs CPU (10,000 runs)`,
  );
}
