import type { Config } from '../settings/config';
import type { EndpointTable } from '../paypay/endpoints';
import { operationsInUse } from '../paypay/scopes';
import { authenticated, codeOf, type Probes } from './probes';
import { fail, listOf, pass, type CheckRow } from './row';

/** What PayPay says the most recently verified user granted (its authorization). */
export interface GrantedScopes {
  /** null when PayPay refused the read or its answer listed none. */
  scopes: string[] | null;
  requestId: string | null;
  /** PayPay's code when the read was refused. */
  code: string | null;
}

/**
 * Three questions: do the QRs ask users for every scope the configured calls
 * need, has PayPay enabled each of those calls' scopes for this client
 * (OP_OUT_OF_SCOPE is PayPay's answer, before it looks at the user), and,
 * once a user has verified, did PayPay actually grant that user all of them?
 */
export function scopesRow(
  paypay: Config['paypay'],
  table: EndpointTable,
  probes: Probes,
  userGrant: GrantedScopes | null = null,
): CheckRow {
  const asked = paypay.scopes;
  const lacking = paypay.requiredScopes.filter((scope) => !asked.includes(scope));
  const calls = operationsInUse(paypay.userKycInfo).filter((op) => op !== 'createQr');
  const outOfScope = calls.filter((op) => codeOf(probes[op].call) === 'OP_OUT_OF_SCOPE');
  const disabled = [...new Set(outOfScope.map((op) => table[op].scope ?? op))];
  const requestId = outOfScope[0] ? probes[outOfScope[0]].call.requestId : null;

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
  const notGranted =
    userGrant?.scopes != null
      ? paypay.requiredScopes.filter((scope) => !userGrant.scopes!.includes(scope))
      : [];
  if (notGranted.length > 0) {
    problems.push(
      `The most recently verified user was granted ${listOf(userGrant!.scopes!)}, without ${listOf(notGranted)}.`,
    );
    fixes.push(
      `ask PayPay to enable ${listOf(notGranted)} for your client (a user verified before PAYPAY_SCOPES or USER_KYC_INFO changed keeps what it granted then)`,
    );
  }
  if (problems.length > 0) {
    const id = requestId ?? (notGranted.length > 0 ? userGrant!.requestId : null);
    return fail('scopes', problems.join(' '), `${fixes.join('; and ')}.`, id);
  }
  // A refused signature or a wrong path hides the answer: their own rows say so.
  const granted = calls.filter((op) => authenticated(probes[op].call));
  const unknown = calls.filter(
    (op) => !granted.includes(op) && codeOf(probes[op].call) !== 'OP_OUT_OF_SCOPE',
  );
  const grantedPart = granted.length > 0 ? `; PayPay lets this client call ${listOf(granted)}` : '';
  const unknownPart =
    unknown.length > 0
      ? ` Not confirmed for ${listOf(unknown)}: PayPay did not get that far (see signature and endpoints).`
      : '';
  const userPart =
    userGrant === null
      ? ' No user has verified yet, so no granted scopes to compare.'
      : userGrant.scopes !== null
        ? ` The most recently verified user was granted ${listOf(userGrant.scopes)}: all it needs.`
        : ` The most recently verified user's authorization could not be read (${userGrant.code ?? 'no scopes listed'}).`;
  return pass(
    'scopes',
    `QRs ask for ${listOf(asked)}, every scope the configured calls need${grantedPart}.${unknownPart}${userPart}`,
    probes[granted[0] ?? 'kycPassportInfo'].call.requestId,
  );
}
