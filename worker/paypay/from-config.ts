import { problemsWith, type Config } from '../config';
import { ApiError } from '../http/errors';
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
  const [problem] = problemsWith(config, PAYPAY_SETTINGS);
  const { baseUrl, apiKey, apiSecret, endpoints, fields, merchantId } = config.paypay;
  if (problem) throw ApiError.config(problem);
  if (!baseUrl || !apiKey || !apiSecret || !endpoints || !fields) {
    throw new ApiError(503, 'CONFIG_PAYPAY', 'The Worker is not configured for PayPay');
  }
  return new PayPayClient({ baseUrl, apiKey, apiSecret, merchantId, endpoints, fields });
}
