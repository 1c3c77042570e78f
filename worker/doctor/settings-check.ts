import type { Config } from '../settings/config';
import { clientIdSentence } from '../paypay/client-id';
import { fail, listOf, pass, type CheckRow } from './row';

/**
 * Every setting present and well-formed; names and reasons only (reasons never
 * carry values), and where the client ID checked in responseTokens comes from
 * (a client ID is no secret, and a wrong one refuses every verification).
 */
export function settingsRow(config: Config): CheckRow {
  const warned = [...new Set(config.warnings.map((w) => w.setting))];
  const warnings = warned.length > 0 ? ` Warnings: ${listOf(warned)} (see /healthz).` : '';
  const clientId = ` ${clientIdSentence(config.paypay.clientId)}`;
  if (config.problems.length === 0) {
    return pass('settings', `All settings are present and well-formed.${clientId}${warnings}`);
  }
  const problems = config.problems.map((p) => `${p.setting} (${p.reason})`);
  const names = [...new Set(config.problems.map((p) => p.setting))];
  return fail(
    'settings',
    `${config.problems.length === 1 ? 'A setting is' : 'Settings are'} missing or malformed: ${problems.join('; ')}.${clientId}${warnings}`,
    `set ${listOf(names)} as docs/deploy.md describes, then run the doctor again.`,
  );
}

/** RECON_ALLOWED_HOSTS names where recon files may be fetched from; hosts are not secret. */
export function reconRow(config: Config): CheckRow {
  const hosts = [...config.reconAllowedHosts];
  if (hosts.length > 0) {
    return pass(
      'recon',
      `Recon files are fetched only from ${listOf(hosts)} (RECON_ALLOWED_HOSTS).`,
    );
  }
  const invalid = config.problems.some(
    (p) => p.setting === 'RECON_ALLOWED_HOSTS' && p.problem === 'invalid',
  );
  return fail(
    'recon',
    `RECON_ALLOWED_HOSTS is ${invalid ? 'malformed' : 'not set'}, so the recon receiver answers 503 and no recon file is read.`,
    "set RECON_ALLOWED_HOSTS to the host (or host:port) of PayPay's recon file links, comma-separated.",
  );
}
