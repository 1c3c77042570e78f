import type { Config } from '../config';
import { settingsFor } from '../settings';
import { PayPayClient } from './client';

/** Settings without which no PayPay call can be made. */
export const PAYPAY_SETTINGS = [
  'PAYPAY_API_BASE_URL',
  'PAYPAY_API_KEY',
  'PAYPAY_API_SECRET',
  'PAYPAY_ENDPOINTS',
  'PAYPAY_FIELDS',
] as const;

/** The PayPay client the settings describe; throws a 503 ApiError naming a missing setting. */
export function paypayClientOf(config: Config): PayPayClient {
  const [baseUrl, apiKey, apiSecret, endpoints, fields] = settingsFor(config, PAYPAY_SETTINGS);
  const { merchantId } = config.paypay;
  return new PayPayClient({ baseUrl, apiKey, apiSecret, merchantId, endpoints, fields });
}
