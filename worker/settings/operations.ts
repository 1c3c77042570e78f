import type { Complain, RawSettings } from './values';

// The settings of the merchant's operations (issue 24): when recon files are
// due, and the Cloudflare Access application the console sits behind.

/** Cloudflare Access: the team whose certs sign `Cf-Access-Jwt-Assertion`, and the application's AUD tag. */
export interface AccessConfig {
  /** `<team>.cloudflareaccess.com`, lower case, without scheme or path. */
  teamDomain: string;
  aud: string;
}

export interface OperationsConfig {
  /** Minutes after 00:00 JST by which each day's recon files are due (RECON_EXPECTED_BY, default 10:30). */
  reconExpectedByMinutes: number;
  /** Null when ACCESS_TEAM_DOMAIN and ACCESS_AUD are unset: production keeps the console closed. */
  access: AccessConfig | null;
}

/** PayPay sends each file between 1:30 and 10:00 JST: 10:30 leaves it half an hour. */
const DEFAULT_EXPECTED_BY = 10 * 60 + 30;
const TEAM_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.cloudflareaccess\.com$/;
const AUD = /^[A-Za-z0-9]{16,128}$/;

export function parseOperationsSettings(env: RawSettings, bad: Complain): OperationsConfig {
  return { reconExpectedByMinutes: expectedBy(env, bad), access: accessOf(env, bad) };
}

function expectedBy(env: RawSettings, bad: Complain): number {
  const raw = env.RECON_EXPECTED_BY?.trim();
  if (!raw) return DEFAULT_EXPECTED_BY;
  const match = /^(\d{1,2}):(\d{2})$/.exec(raw);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) {
    bad(
      'RECON_EXPECTED_BY',
      'RECON_EXPECTED_BY must be a time of day in Japan, HH:MM (e.g. 10:30)',
    );
    return DEFAULT_EXPECTED_BY;
  }
  return minutes;
}

/**
 * Both or neither: one without the other is a half-configured gate, refused
 * by name. A team domain is taken with or without `https://`, as the
 * Zero Trust dashboard shows it.
 */
function accessOf(env: RawSettings, bad: Complain): AccessConfig | null {
  const team = (env.ACCESS_TEAM_DOMAIN?.trim() ?? '')
    .toLowerCase()
    .replace(/^https:\/\//, '')
    .replace(/\/$/, '');
  const aud = env.ACCESS_AUD?.trim() ?? '';
  if (team === '' && aud === '') return null;
  let usable = true;
  if (!TEAM_DOMAIN.test(team)) {
    bad(
      'ACCESS_TEAM_DOMAIN',
      'ACCESS_TEAM_DOMAIN must be your team domain, <team>.cloudflareaccess.com',
    );
    usable = false;
  }
  if (!AUD.test(aud)) {
    bad('ACCESS_AUD', "ACCESS_AUD must be the Access application's Application Audience (AUD) tag");
    usable = false;
  }
  return usable ? { teamDomain: team, aud } : null;
}
