import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../settings/config';
import { problemsWith } from '../settings/config';
import type { AccessConfig } from '../settings/operations';
import { ApiError } from './errors';

// Cloudflare Access in front of the console (issue 24, docs/console.md): Access
// signs in the merchant's staff and adds `Cf-Access-Jwt-Assertion` to every
// request of its application; the Worker checks that JWT itself, so a request
// that reached the Worker some other way (a workers.dev host, a route left
// outside the application) is refused all the same.

/** Who opened the console: the Access identity, for the log line of each action. */
export interface AccessIdentity {
  /** The signed-in user's email; a service token's name; `local-development` on loopback. */
  email: string;
  /** Access's user id; null for a service token and in development. */
  sub: string | null;
}

/** The header Access adds; validated rather than the CF_Authorization cookie, which Cloudflare does not promise to pass. */
export const ACCESS_HEADER = 'Cf-Access-Jwt-Assertion';

/** Who the console is open to in development on a loopback host, without Access. */
export const LOCAL_DEVELOPMENT: AccessIdentity = { email: 'local-development', sub: null };

/** Access JWTs are a few hundred bytes to a few KiB: anything far larger is not one. */
const MAX_TOKEN_LENGTH = 16_384;

/**
 * The team's certs as a key set, one per team domain and isolate: jose keeps
 * the keys, fetches again for an unknown `kid` (Access rotates its key every
 * six weeks, the old one valid seven days more), and at most once per
 * cooldown, so made-up key ids cannot turn into a flood of fetches.
 */
const keySets = new Map<string, JWTVerifyGetKey>();

function teamCerts(teamDomain: string): JWTVerifyGetKey {
  let keys = keySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`https://${teamDomain}/cdn-cgi/access/certs`), {
      timeoutDuration: 5_000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    keySets.set(teamDomain, keys);
  }
  return keys;
}

/**
 * Who may open the console, for this request: the identity of a valid Access
 * JWT; in development on a loopback host with Access unset, `local-development`.
 * Refuses with 503 `CONFIG_ACCESS_*` when production has no (or a malformed)
 * Access setting, and 403 `ACCESS_DENIED` naming why for anything else.
 */
export async function accessIdentityOf(
  request: Request,
  config: Config,
  keys?: JWTVerifyGetKey,
): Promise<AccessIdentity> {
  const [problem] = problemsWith(config, ['ACCESS_TEAM_DOMAIN', 'ACCESS_AUD']);
  if (problem) throw ApiError.config(problem);
  const access = config.operations.access;
  if (access === null) {
    if (config.environment === 'development') return LOCAL_DEVELOPMENT;
    throw ApiError.config({
      setting: 'ACCESS_TEAM_DOMAIN',
      problem: 'missing',
      reason:
        'the console is closed until ACCESS_TEAM_DOMAIN and ACCESS_AUD name its Cloudflare Access application (docs/console.md)',
    });
  }
  const token = request.headers.get(ACCESS_HEADER);
  if (token === null || token === '') {
    throw denied(`no ${ACCESS_HEADER} header: open the console through its Access application`);
  }
  return verifyAccessToken(token, access, keys ?? teamCerts(access.teamDomain));
}

/**
 * Checks an Access JWT as Cloudflare's "Validate JWTs" page asks: RS256,
 * signed by a key of the team's certs, `iss` the team domain, `aud` holding
 * the application's AUD tag, inside `nbf`..`exp`. The refusal says which
 * check failed and never repeats the token.
 */
export async function verifyAccessToken(
  token: string,
  access: AccessConfig,
  keys: JWTVerifyGetKey,
): Promise<AccessIdentity> {
  if (token.length > MAX_TOKEN_LENGTH) throw denied('the Access token is malformed');
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ['RS256'],
      issuer: `https://${access.teamDomain}`,
      audience: access.aud,
      requiredClaims: ['exp'],
    });
    const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
    if (typeof payload.email === 'string' && payload.email !== '') {
      return { email: payload.email, sub };
    }
    // A service token (an automation the merchant set up in Access) has no email, only its name.
    if (typeof payload.common_name === 'string' && payload.common_name !== '') {
      return { email: `service-token:${payload.common_name}`, sub };
    }
    throw denied('the Access token names no user');
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw denied(reasonOf(error));
  }
}

/** Why jose refused the token, in words safe to answer and log. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the Access token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the Access token is for another application (audience)';
    if (error.claim === 'iss') return 'the Access token was issued by another team';
    if (error.claim === 'nbf') return 'the Access token is not valid yet';
    return `the Access token's ${error.claim} claim is not acceptable`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the Access token is not signed with RS256';
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return "the Access token's signature does not match the team's certs";
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return "the team's Access certs could not be read: try again";
  }
  if (error instanceof errors.JOSEError) return 'the Access token is malformed';
  return "the team's Access certs could not be read: try again";
}

function denied(reason: string): ApiError {
  return ApiError.of('ACCESS_DENIED', `Access denied: ${reason}`);
}
