import type { Config, SettingName, SettingProblem } from './config';
import { ApiError } from './http/errors';

/** Where each setting that a feature cannot do without lands in the parsed config. */
const VALUES = {
  PAYPAY_API_BASE_URL: (config: Config) => config.paypay.baseUrl,
  PAYPAY_API_KEY: (config: Config) => config.paypay.apiKey,
  PAYPAY_API_SECRET: (config: Config) => config.paypay.apiSecret,
  PAYPAY_ENDPOINTS: (config: Config) => config.paypay.endpoints,
  PAYPAY_FIELDS: (config: Config) => config.paypay.fields,
  CALLBACK_URL: (config: Config) => config.callbackUrl,
  MERCHANT_API_TOKEN: (config: Config) => config.merchantApiToken,
} satisfies Partial<Record<SettingName, (config: Config) => unknown>>;

/** A setting a feature needs. */
export type RequiredSetting = keyof typeof VALUES;

type ValueOf<N extends RequiredSetting> = NonNullable<ReturnType<(typeof VALUES)[N]>>;

/**
 * The settings a feature needs, non-null, or the `CONFIG_<SETTING>` refusal (503)
 * naming the first that is missing or malformed: never its value. A setting
 * with a problem is refused even when it has a value: production keeps a weak
 * value (a short bearer, an http URL) only to name it, never to use it.
 */
export function settingsFor<const N extends readonly RequiredSetting[]>(
  config: Config,
  names: N,
): { [K in keyof N]: ValueOf<N[K]> } {
  return names.map((name) => {
    const value = VALUES[name](config);
    const found = config.problems.find((p) => p.setting === name);
    if (value !== null && value !== undefined && found === undefined) return value;
    const problem: SettingProblem = found ?? {
      setting: name,
      problem: 'missing',
      reason: `${name} is not set`,
    };
    throw ApiError.config(problem);
  }) as { [K in keyof N]: ValueOf<N[K]> };
}
