// `paypay-kyc receipt keygen | verify`: the signed receipts of issue 23.
// keygen makes the Worker's Ed25519 signing key (RECEIPT_SIGNING_KEY); verify
// checks a stored exchange answer's receipt with the package's own
// verifyReceipt (dist/server, the code merchants run), offline against a kept
// JWKS or against the Worker's /.well-known/jwks.json.
import { Buffer } from 'node:buffer';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { CannotRun, UsageError, parse, reasonOf } from './common.mjs';

/** A key id the Worker accepts (KID of worker/settings/receipts.ts, copied: the CLI has no build). */
const KID = /^[A-Za-z0-9._-]{1,64}$/;
const SERVER = new URL('../dist/server/index.js', import.meta.url);

/** verifyReceipt's checks, in its order: the code that fails each, and what passing it says. */
const CHECKS = [
  {
    check: 'format',
    code: 'RECEIPT_MALFORMED',
    passed: (r) => `a compact JWS, EdDSA, kid ${r.kid}`,
  },
  { check: 'key', code: 'RECEIPT_UNKNOWN_KEY', passed: (r, from) => `${r.kid} is in ${from}` },
  { check: 'signature', code: 'RECEIPT_BAD_SIGNATURE', passed: () => 'Ed25519, by that key' },
  {
    check: 'digest',
    code: 'RECEIPT_DIGEST_MISMATCH',
    passed: () => 'the SHA-256 of the claims and kyc given (RFC 8785 JSON)',
  },
  {
    check: 'claims',
    code: 'RECEIPT_CLAIMS_MISMATCH',
    passed: (r) => `signed for exactly these: ${r.claims.join(', ')}`,
  },
];

export const summary = 'make the receipt signing key (keygen), or verify a receipt (verify)';

export const usage = `Usage: paypay-kyc receipt keygen [--kid <id>] [--json]
       paypay-kyc receipt verify <file> (--jwks <file> | --worker <url>) [--json]

keygen makes an Ed25519 key for the Worker to sign receipts with. The private
JWK, one line, goes to stdout, for \`wrangler secret put RECEIPT_SIGNING_KEY\`
(pipe it there); its public JWK and the next steps go to stderr.

verify checks the receipt of an exchange answer you stored: <file> holds the
answer as the Worker sent it ({receipt, claims, kyc, ...}) or {receipt,
released: {claims, kyc}}. Each check is printed, then what the receipt says.

  --kid <id>        keygen: the key's id (default rk-<yyyymmdd>-<4 hex>)
  --jwks <file>     verify: the Worker's public keys, kept ({keys: [...]} or a list)
  --worker <url>    verify: the Worker, its keys fetched from /.well-known/jwks.json
                    (https, or http to a loopback host)
  --json            keygen: {privateJwk, publicJwk}; verify: {valid, checks, receipt}
  --help            this text

Exit status: 0 done (the receipt is valid), 1 the receipt is not valid for
these values, 2 usage error or could not run (file unreadable, Worker unreachable).`;

export async function run(argv) {
  const options = {
    kid: { type: 'string' },
    jwks: { type: 'string' },
    worker: { type: 'string' },
    json: { type: 'boolean', default: false },
  };
  const { values, positionals } = parse(argv, options, usage, { positionals: 2 });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [sub, file] = positionals;
  if (sub === 'keygen') {
    if (file !== undefined) throw new UsageError(`Unexpected argument '${file}'.`, usage);
    if (values.jwks !== undefined || values.worker !== undefined)
      throw new UsageError('--jwks and --worker are for verify.', usage);
    return keygen(values);
  }
  if (sub === 'verify') {
    if (values.kid !== undefined) throw new UsageError('--kid is for keygen.', usage);
    return verify(file, values);
  }
  const what = sub === undefined ? 'A subcommand is required' : `Unknown subcommand '${sub}'`;
  throw new UsageError(`${what}: paypay-kyc receipt keygen, or receipt verify.`, usage);
}

function keygen(values) {
  const kid = values.kid ?? defaultKid();
  if (!KID.test(kid))
    throw new UsageError('--kid must be 1-64 letters, digits, dots, dashes or underscores.', usage);
  const { x, d } = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const publicJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
  const privateJwk = { ...publicJwk, d };
  if (values.json) {
    console.log(JSON.stringify({ privateJwk, publicJwk }));
    return 0;
  }
  // stdout holds the secret alone, so that it can be piped to wrangler and seen by nobody.
  console.log(JSON.stringify(privateJwk));
  console.error(`
That line is RECEIPT_SIGNING_KEY, a secret: give it to \`npx wrangler secret put
RECEIPT_SIGNING_KEY\` (or pipe: paypay-kyc receipt keygen | npx wrangler secret put
RECEIPT_SIGNING_KEY), then deploy; keep no other copy.

Its public key, kid ${kid}. The Worker publishes it at /.well-known/jwks.json;
keep a copy with your receipts, to verify them offline (receipt verify --jwks
takes a file of [<public JWK>, ...]):
${JSON.stringify(publicJwk)}

Rotating: put the public JWK of the key this one replaces (from
/.well-known/jwks.json) into RECEIPT_PREVIOUS_KEYS, a JSON list, in the same
deploy: the Worker keeps publishing it, so the receipts it signed still verify.`);
  return 0;
}

/** rk-<yyyymmdd, UTC>-<4 random hex>: sorts by date, and two keys of one day differ. */
function defaultKid() {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `rk-${day}-${randomBytes(2).toString('hex')}`;
}

async function verify(file, values) {
  if (file === undefined)
    throw new UsageError('The file of the exchange answer is required.', usage);
  if ((values.jwks === undefined) === (values.worker === undefined))
    throw new UsageError('Give the keys: --jwks <file> or --worker <url>, one of them.', usage);
  const stored = jsonOf(file, 'the exchange answer');
  const released = isObject(stored.released) ? stored.released : stored;
  if (!isObject(released.claims))
    throw new CannotRun(
      `${file} is not an exchange answer: it has no claims object (an answer of kyc alone has "claims": {}).`,
    );
  const keys =
    values.jwks === undefined ? { endpoint: values.worker } : { jwks: jwksOf(values.jwks) };
  const { verifyReceipt, KycPassportError } = await server();

  let verified = null;
  let failure = null;
  try {
    verified = await verifyReceipt(stored.receipt, released, keys);
  } catch (error) {
    // verifyReceipt's TypeErrors are about its arguments: here, --worker.
    if (error instanceof TypeError && error.message.startsWith('verifyReceipt: '))
      throw new UsageError(`--worker: ${error.message.slice('verifyReceipt: '.length)}`, usage);
    if (!(error instanceof KycPassportError)) throw error;
    if (!CHECKS.some((c) => c.code === error.code)) {
      const why = error.code === 'NETWORK_ERROR' ? ` (${reasonOf(error.cause)})` : '';
      throw new CannotRun(`Could not get the Worker's keys: ${error.message}${why}.`);
    }
    failure = error;
  }
  const receipt = verified ?? unverifiedPayload(stored.receipt);
  const from = values.jwks ?? `${values.worker}'s JWKS`;
  const failedAt = failure ? CHECKS.findIndex((c) => c.code === failure.code) : CHECKS.length;
  const checks = CHECKS.map(({ check, passed }, i) => {
    if (i < failedAt) return { check, ok: true, detail: passed(receipt, from) };
    if (i > failedAt) return { check, ok: null, detail: 'not checked' };
    return { check, ok: false, detail: `${failure.message} (${failure.code})` };
  });
  if (values.json) {
    console.log(JSON.stringify({ valid: failure === null, checks, receipt }));
    return failure === null ? 0 : 1;
  }
  for (const { check, ok, detail } of checks) {
    const mark = ok ? 'ok' : ok === false ? 'FAIL' : '-';
    console.log(`${mark.padEnd(4)}  ${check.padEnd(9)}  ${detail}`);
  }
  console.log(
    failure === null
      ? '\nValid: the Worker signed this receipt for these values.'
      : '\nNOT valid for these values.',
  );
  if (receipt) printReceipt(receipt, failure === null);
  return failure === null ? 0 : 1;
}

function printReceipt(receipt, valid) {
  const iat = typeof receipt.iat === 'number' ? new Date(receipt.iat * 1000) : null;
  const rows = [
    ['id', receipt.jti],
    [
      'issued',
      iat && !Number.isNaN(iat.getTime())
        ? `${iat.toISOString()} (iat ${receipt.iat})`
        : receipt.iat,
    ],
    ['issuer', receipt.iss],
    ['key', receipt.kid],
    ['verified', receipt.verifiedAt],
    ['claims', Array.isArray(receipt.claims) ? receipt.claims.join(', ') : receipt.claims],
    ['document', receipt.document === undefined ? undefined : JSON.stringify(receipt.document)],
  ];
  console.log(
    valid ? '\nThe receipt:' : '\nWhat the receipt says (unverified: do not rely on it):',
  );
  for (const [name, value] of rows)
    if (value !== undefined) console.log(`  ${name.padEnd(9)} ${value}`);
}

/** The payload of a receipt that did not verify, to show what it claims; null when unreadable. */
function unverifiedPayload(receipt) {
  try {
    const [header, payload] = receipt.split('.');
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).kid;
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isObject(parsed) ? { ...parsed, kid: typeof kid === 'string' ? kid : undefined } : null;
  } catch {
    return null;
  }
}

function jwksOf(file) {
  const parsed = jsonOf(file, 'the JWKS');
  const keys = Array.isArray(parsed) ? parsed : parsed.keys;
  if (!Array.isArray(keys))
    throw new CannotRun(`${file} is not a JWKS: {"keys": [...]} or a list of JWKs.`);
  return { keys };
}

function jsonOf(file, what) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CannotRun(`Could not read ${what} from ${file}: ${error.code ?? error.message}.`);
  }
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) return parsed;
  } catch {
    // said below
  }
  throw new CannotRun(`${file} is not JSON of ${what}.`);
}

/** The package's ./server, as merchants run it: one verifier, not a copy of it here. */
async function server() {
  if (!existsSync(SERVER))
    throw new CannotRun(
      `${SERVER.pathname} is missing: the package was built without ./server (in our repository: node scripts/build-server.mjs).`,
    );
  return import(SERVER.href);
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
