/** Types of scripts/sandbox-client.mjs for the TypeScript test setups. */
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
): Promise<{ status: number; location: string | null; callback: Response | null }>;
