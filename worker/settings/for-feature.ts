import type { Config, SettingName, SettingProblem } from './config';
import { ApiError } from '../http/errors';

/** Where each setting that a feature cannot do without lands in the parsed config. */
const VALUES = {
  PAYPAY_API_BASE_URL: (config: Config) => config.paypay.baseUrl,
  PAYPAY_API_KEY: (config: Config) => config.paypay.apiKey,
  PAYPAY_API_SECRET: (config: Config) => config.paypay.apiSecret,
  PAYPAY_ENDPOINTS: (config: Config) => config.paypay.endpoints,
  PAYPAY_FIELDS: (config: Config) => config.paypay.fields,
  CALLBACK_URL: (config: Config) => config.callbackUrl,
  MERCHANT_API_TOKEN: (config: Config) => config.merchantApiToken,
  FEED_SHARDS: (config: Config) => config.feedShards,
} satisfies Partial<Record<SettingName, (config: Config) => unknown>>;

/** A setting a feature needs. */
export type RequiredSetting = keyof typeof VALUES;

/** The values of `N`, each non-null. */
export type SettingValues<N extends readonly RequiredSetting[]> = {
  [K in keyof N]: NonNullable<ReturnType<(typeof VALUES)[N[K]]>>;
};

/**
 * The settings a feature needs, non-null, or the `CONFIG_<SETTING>` refusal (503)
 * naming the first that is missing or malformed: never its value. A setting
 * with a problem is refused even when it has a value: production keeps a weak
 * value (a short bearer, an http URL) only to name it, never to use it. For
 * work without a route (the cron, re-reads); a route says what it needs with
 * its `needs` stage (worker/http/needs.ts) instead.
 */
export function settingsFor<const N extends readonly RequiredSetting[]>(
  config: Config,
  names: N,
): SettingValues<N> {
  for (const name of names) {
    const found = config.problems.find((p) => p.setting === name);
    const value = VALUES[name](config);
    if (found === undefined && value !== null && value !== undefined) continue;
    const problem: SettingProblem = found ?? {
      setting: name,
      problem: 'missing',
      reason: `${name} is not set`,
    };
    throw ApiError.config(problem);
  }
  return valuesOf(config, names);
}

/**
 * The values of settings already found usable (a setting without a problem
 * always has one): read, not checked. A null here is a bug, not a refusal.
 */
export function valuesOf<const N extends readonly RequiredSetting[]>(
  config: Config,
  names: N,
): SettingValues<N> {
  return names.map((name) => {
    const value = VALUES[name](config);
    if (value === null || value === undefined) throw new Error(`${name} has no value`);
    return value;
  }) as SettingValues<N>;
}
