import type { Config } from '../config';
import type { EndpointTable } from '../paypay/endpoints';
import { operationsInUse } from '../paypay/scopes';
import { authenticated, codeOf, type Probes } from './probes';
import { fail, listOf, pass, type CheckRow } from './row';

/**
 * Two questions: do the QRs ask users for every scope the configured calls
 * need, and has PayPay enabled each of those calls' scopes for this client
 * (OP_OUT_OF_SCOPE is PayPay's answer, before it looks at the user)?
 */
export function scopesRow(
  paypay: Config['paypay'],
  table: EndpointTable,
  probes: Probes,
): CheckRow {
  const asked = paypay.scopes;
  const lacking = paypay.requiredScopes.filter((scope) => !asked.includes(scope));
  const calls = operationsInUse(paypay.userKycInfo).filter((op) => op !== 'createQr');
  const outOfScope = calls.filter((op) => codeOf(probes[op].result) === 'OP_OUT_OF_SCOPE');
  const disabled = [...new Set(outOfScope.map((op) => table[op].scope ?? op))];
  const requestId = outOfScope[0] ? probes[outOfScope[0]].result.requestId : null;

  const problems: string[] = [];
  const fixes: string[] = [];
  if (lacking.length > 0) {
    problems.push(
      `QRs ask for ${listOf(asked)}, but the configured calls also need ${listOf(lacking)}.`,
    );
    fixes.push(
      `add ${listOf(lacking)} to PAYPAY_SCOPES or leave PAYPAY_SCOPES empty to ask for exactly what the calls need`,
    );
  }
  if (disabled.length > 0) {
    problems.push(
      `PayPay answered OP_OUT_OF_SCOPE to ${listOf(outOfScope)}: it has not enabled ${listOf(disabled)} for this client.`,
    );
    fixes.push(`ask PayPay to enable ${listOf(disabled)} for your client`);
  }
  if (problems.length > 0) {
    return fail('scopes', problems.join(' '), `${fixes.join('; and ')}.`, requestId);
  }
  // A refused signature or a wrong path hides the answer: their own rows say so.
  const granted = calls.filter((op) => authenticated(probes[op].result));
  const unknown = calls.filter(
    (op) => !granted.includes(op) && codeOf(probes[op].result) !== 'OP_OUT_OF_SCOPE',
  );
  const grantedPart = granted.length > 0 ? `; PayPay lets this client call ${listOf(granted)}` : '';
  const unknownPart =
    unknown.length > 0
      ? ` Not confirmed for ${listOf(unknown)}: PayPay did not get that far (see signature and endpoints).`
      : '';
  return pass(
    'scopes',
    `QRs ask for ${listOf(asked)}, every scope the configured calls need${grantedPart}.${unknownPart}`,
    probes[granted[0] ?? 'kycPassportInfo'].result.requestId,
  );
}
