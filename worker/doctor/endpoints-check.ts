import { PAYPAY_OPERATIONS, type PayPayOperation } from '../../shared/paypay-codes';
import type { EndpointTable } from '../paypay/endpoints';
import { codeOf, describeAnswer, pathWrong, reached, type Probes } from './probes';
import { fail, listOf, pass, type CheckRow } from './row';

/**
 * Whether each configured path exists at PayPay. PayPay publishes only the QR
 * path, so a wrong guess in the table shows here first, not at a customer's
 * first verification.
 */
export function endpointsRow(table: EndpointTable, probes: Probes): CheckRow {
  const where = (op: PayPayOperation) => `${op} ${table[op].method} ${table[op].path}`;
  const answer = (op: PayPayOperation) =>
    `${where(op)} answered ${describeAnswer(probes[op].call)}`;
  const wrong = PAYPAY_OPERATIONS.filter((op) => pathWrong(probes[op].call));
  const unreached = PAYPAY_OPERATIONS.filter(
    (op) => !wrong.includes(op) && !reached(probes[op].call),
  );
  const firstBad = wrong[0] ?? unreached[0];
  const requestId = probes[firstBad ?? 'createQr'].call.requestId;
  if (wrong.length > 0) {
    return fail(
      'endpoints',
      `${wrong.map(answer).join('; ')}: PayPay has no such path.`,
      `set ${listOf(wrong.map((op) => `PAYPAY_ENDPOINTS.${op}.path`))} to PayPay's path for ${wrong.length > 1 ? 'each' : 'it'}.`,
      requestId,
    );
  }
  if (unreached.length > 0) {
    return fail(
      'endpoints',
      `${unreached.map(answer).join('; ')}: that is not PayPay's API answering.`,
      "check PAYPAY_API_BASE_URL, and that PayPay accepts calls from the Worker's addresses, then run the doctor again.",
      requestId,
    );
  }
  // The sandbox routes before it authenticates; PayPay may not, so say what a refusal proves.
  const refused = PAYPAY_OPERATIONS.some((op) => codeOf(probes[op].call) === 'UNAUTHORIZED');
  const caveat = refused
    ? ' An UNAUTHORIZED answer proves the host, not the path, until the signature passes.'
    : '';
  return pass(
    'endpoints',
    `All ${PAYPAY_OPERATIONS.length} paths answer: ${PAYPAY_OPERATIONS.map(answer).join('; ')}.${caveat}`,
    requestId,
  );
}
