import { isPlainHttp, isServiceUrl, type Complain, type RawSettings } from './values';

// The hosted page's look (`GET /verify/:id`, worker/hosted/): the shop's name,
// logo and accent colour. All optional: unset, the page is plain.

/** The hosted page's theme. Each value is checked here, so the page writes it as it is. */
export interface HostedPageConfig {
  /** HOSTED_PAGE_NAME: 1-60 printable characters, or null. */
  name: string | null;
  /** HOSTED_PAGE_LOGO_URL: https (http only on loopback in development), or null. */
  logoUrl: string | null;
  /** HOSTED_PAGE_COLOR: `#rrggbb` in lower case, or null (the element's own colour). */
  color: string | null;
}

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * Reads the three settings. A malformed one is reported by name, and the page
 * is refused rather than drawn half-themed; `weak` (a plain-http logo) is a
 * warning in development, a problem in production, as for every URL setting.
 */
export function parseHostedPageSettings(
  env: RawSettings,
  bad: Complain,
  weak: Complain,
): HostedPageConfig {
  const name = env.HOSTED_PAGE_NAME?.trim() || null;
  const logoUrl = env.HOSTED_PAGE_LOGO_URL?.trim() || null;
  const color = env.HOSTED_PAGE_COLOR?.trim() || null;
  const config: HostedPageConfig = { name: null, logoUrl: null, color: null };
  if (name !== null) {
    if (name.length > 60 || !isPrintable(name))
      bad('HOSTED_PAGE_NAME', 'HOSTED_PAGE_NAME must be 1-60 printable characters');
    else config.name = name;
  }
  if (logoUrl !== null) {
    if (!isServiceUrl(logoUrl) || logoUrl.length > 2048)
      bad(
        'HOSTED_PAGE_LOGO_URL',
        'HOSTED_PAGE_LOGO_URL must be an https URL (http only for loopback)',
      );
    else {
      if (isPlainHttp(logoUrl)) weak('HOSTED_PAGE_LOGO_URL', 'HOSTED_PAGE_LOGO_URL is plain http');
      config.logoUrl = new URL(logoUrl).href;
    }
  }
  if (color !== null) {
    if (!COLOR.test(color))
      bad('HOSTED_PAGE_COLOR', 'HOSTED_PAGE_COLOR must be a hex colour, #rrggbb or #rgb');
    else config.color = longHex(color.toLowerCase());
  }
  return config;
}

/** `#abc` as `#aabbcc`: one form for the page's contrast sum. */
function longHex(color: string): string {
  if (color.length === 7) return color;
  return '#' + [...color.slice(1)].map((digit) => digit + digit).join('');
}

/** No control characters: the name goes into a page title and heading. */
function isPrintable(text: string): boolean {
  return [...text].every((char) => char >= ' ' && char !== '\u007f');
}
