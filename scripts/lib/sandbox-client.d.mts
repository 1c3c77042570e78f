/** Types of scripts/lib/sandbox-client.mjs for the TypeScript test setups. */
export function sandboxAdmin(
  sandboxUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }>;
export function setMerchantOptions(
  sandboxUrl: string,
  options: Record<string, unknown>,
): Promise<{ status: number; body: unknown }>;
export function setQrLifetime(
  sandboxUrl: string,
  seconds: number,
): Promise<{ status: number; body: unknown }>;
export function playPhone(
  qrUrl: string,
  outcome: string,
  fields?: Record<string, string>,
): Promise<{
  status: number;
  /** The callback URL PayPay sends the phone to (it carries the responseToken). */
  location: string | null;
  /** The callback's own answer: a 303 to its page. */
  callback: Response | null;
  /** The page the phone ends on, and its token-free URL. */
  page: Response | null;
  pageUrl: string | null;
}>;
