import { problemsWith, type Config } from '../settings/config';
import type { PayPayClient } from '../paypay/client';
import { PAYPAY_SETTINGS, paypayClientOf } from '../paypay/from-config';
import { callbackRow } from './callback-check';
import { clockRow } from './clock-check';
import { endpointsRow } from './endpoints-check';
import { PROBE_TIMEOUT_MS, runProbes } from './probes';
import { feedShards } from '../feed/stub';
import { readAuthorization } from '../paypay/authorization';
import { ingestRow } from './ingest-check';
import { fail, listOf, type CheckId, type CheckRow } from './row';
import { scopesRow, type GrantedScopes } from './scopes-check';
import { reconRow, settingsRow } from './settings-check';
import { signatureRow } from './signature-check';
import { webhooksRow } from './webhooks-check';

/**
 * Every check, in the documented order. Never throws: a doctor that fails to
 * answer tells the merchant nothing. `requestUrl` is the doctor request's URL,
 * i.e. this Worker's public origin.
 */
export async function runDoctor(env: Env, config: Config, requestUrl: URL): Promise<CheckRow[]> {
  const [paypayRows, ingest] = await Promise.all([paypayChecks(env, config), ingestRow(env)]);
  return [
    settingsRow(config),
    ...paypayRows,
    callbackRow(env.CALLBACK_URL, config, requestUrl),
    webhooksRow(config, requestUrl),
    reconRow(config),
    ingest,
  ];
}

/** clock, signature, scopes, endpoints: harmless signed calls, made at once. */
async function paypayChecks(env: Env, config: Config): Promise<CheckRow[]> {
  const unusable = problemsWith(config, PAYPAY_SETTINGS).map((p) => p.setting);
  const client = unusable.length === 0 ? clientOf(config) : null;
  const endpoints = config.paypay.endpoints;
  if (client === null || endpoints === null) {
    const names = unusable.length > 0 ? listOf(unusable) : 'the PayPay settings';
    const skipped: CheckId[] = ['clock', 'signature', 'scopes', 'endpoints'];
    return skipped.map((check) =>
      fail(
        check,
        `Not checked: no PayPay call can be made while ${names} ${unusable.length > 1 ? 'are' : 'is'} unusable.`,
        `set ${names} (see settings).`,
      ),
    );
  }
  const [probes, granted] = await Promise.all([runProbes(client), grantedScopes(env, client)]);
  const clock = clockRow(probes.kycPassportInfo);
  return [
    clock.row,
    signatureRow(probes, clock.failed),
    scopesRow(config.paypay, endpoints, probes, granted),
    endpointsRow(endpoints, probes),
  ];
}

/**
 * What the most recently verified user granted, read from PayPay once (a read:
 * it changes nothing); null before the first verification or when the read fails.
 */
async function grantedScopes(env: Env, client: PayPayClient): Promise<GrantedScopes | null> {
  try {
    const uaid = await latestVerifiedUser(env);
    if (uaid === null) return null;
    const { call } = await client.probe(
      'userAuthorization',
      { query: { userAuthorizationId: uaid } },
      PROBE_TIMEOUT_MS,
    );
    if (!call.ok) return { scopes: null, requestId: call.requestId, code: call.code };
    return {
      scopes: readAuthorization(call.data).scopes,
      requestId: call.requestId,
      code: null,
    };
  } catch {
    return null;
  }
}

/** The most recently verified user of every feed shard (each asked in parallel); null before any. */
async function latestVerifiedUser(env: Env): Promise<string | null> {
  const latest = await Promise.all(
    feedShards(env).map(async (shard) => (await shard.latestVerified()).value),
  );
  let found: { userAuthorizationId: string; verifiedAt: number } | null = null;
  for (const user of latest) {
    if (user !== null && (found === null || user.verifiedAt > found.verifiedAt)) found = user;
  }
  return found?.userAuthorizationId ?? null;
}

/** The routes' own client, or null where it refuses the settings (the settings row says why). */
function clientOf(config: Config): PayPayClient | null {
  try {
    return paypayClientOf(config);
  } catch {
    return null;
  }
}
