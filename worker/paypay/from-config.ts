import type { Config } from '../settings/config';
import { settingsFor, type SettingValues } from '../settings/for-feature';
import { PayPayClient, type PayPayClientOptions } from './client';

/** Settings without which no PayPay call can be made. */
export const PAYPAY_SETTINGS = [
  'PAYPAY_API_BASE_URL',
  'PAYPAY_API_KEY',
  'PAYPAY_API_SECRET',
  'PAYPAY_ENDPOINTS',
  'PAYPAY_FIELDS',
] as const;

/**
 * The PayPay part of the config a client is made of: plain data, so a route
 * can hand what its settings check found to a Durable Object, which then acts
 * on exactly that.
 */
export type PayPayConfig = Pick<
  PayPayClientOptions,
  'baseUrl' | 'apiKey' | 'apiSecret' | 'merchantId' | 'endpoints' | 'fields'
>;

/** The PayPay config of usable PAYPAY_SETTINGS values. */
export function paypayConfigOf(
  [baseUrl, apiKey, apiSecret, endpoints, fields]: SettingValues<typeof PAYPAY_SETTINGS>,
  config: Config,
): PayPayConfig {
  return { baseUrl, apiKey, apiSecret, endpoints, fields, merchantId: config.paypay.merchantId };
}

/**
 * The PayPay client the settings describe, for work without a route (the cron,
 * re-reads, a forget's attempt, the doctor); throws the 503 ApiError naming a
 * missing setting. A route checks them with `needs(PAYPAY_SETTINGS)` instead.
 */
export function paypayClientOf(config: Config): PayPayClient {
  return new PayPayClient(paypayConfigOf(settingsFor(config, PAYPAY_SETTINGS), config));
}
