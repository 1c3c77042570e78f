import { signResponseToken, RESPONSE_TOKEN_TTL_SECONDS, type ResponseTokenClaims } from './jwt';
import { newAuthorization } from './authorization';
import { reopenText } from './browser';
import { escapeHtml, htmlResponse, messagePage, page } from './html';
import {
  BIRTH_DATE_LABELS,
  BIRTH_DATE_PRESETS,
  birthDateFor,
  COUNTER,
  DOCUMENTS,
  isBirthDatePreset,
  isDocumentChoice,
  jstToday,
  type BirthDatePreset,
  type DocumentChoice,
} from './kyc-choices';
import { expectedPerson, otherPerson, phoneLast4 } from './kyc-data';
import { APPROVED_OUTCOMES, isApproved, type ApprovedOutcome } from './outcomes';
import { currentState, type Tenant } from './tenant';
import { OUTCOMES, type Outcome, type QrSession, type SandboxUser } from './types';
import { eventNotification } from './webhooks';
import { tokenAudienceOf } from './variants';

const LABELS: Record<Outcome, [ja: string, en: string]> = {
  complete: ['本人確認を完了して連携する', 'Complete KYC and link'],
  decline: ['連携しない', 'Decline'],
  kyc_not_completed: ['本人確認が未完了', 'KYC not completed'],
  risk_flagged: ['リスク検知されたユーザー', 'User flagged for risk'],
  kyc_update_required: ['本人確認書類の更新が必要', 'KYC documents need an update'],
  cancelled_user: ['退会済みアカウント', 'Account cancelled'],
  bad_request: ['不正なリクエスト', 'Bad request'],
  expire: ['QRコードを期限切れにする', 'Expire this QR code'],
};

/**
 * Shown when the merchant sent kycData: who is holding the phone decides
 * whether PayPay's KYC data match succeeds.
 */
const IDENTITY_CHOICE = `<fieldset class="option"><legend>承認する人 <span class="en">(who approves)</span></legend>
<label><input type="radio" name="identity" value="expected" checked data-identity="expected"> 加盟店の登録と同じ本人 <span class="en">(the customer the merchant expects)</span></label>
<label><input type="radio" name="identity" value="other" data-identity="other"> 別の人 <span class="en">(someone else: KYC data will not match)</span></label>
</fieldset>`;

/**
 * Who the person is and how PayPay checked them: each picker's first option
 * keeps the sandbox's made-up values. The birth dates shown are today's (Japan
 * time, the merchant's clock); the KYC info counts them from the day it is read.
 */
function choicePickers(today: string): string {
  const option = (field: string, value: string, [ja, en]: readonly [string, string], extra = '') =>
    `<option value="${value}" data-${field}="${value}">${escapeHtml(`${ja}${extra} / ${en}`)}</option>`;
  const birthDates = BIRTH_DATE_PRESETS.map((preset) => {
    const date = birthDateFor(preset, today);
    return option('birth-date', preset, BIRTH_DATE_LABELS[preset], date ? `: ${date}` : '');
  });
  const documents = Object.entries(DOCUMENTS).map(([name, label]) =>
    option('document', name, label),
  );
  const select = (name: string, ja: string, en: string, options: string[]) =>
    `<label class="option picker">${ja} <span class="en">(${en})</span>
<select name="${name}"><option value="" selected>指定なし / sandbox's choice</option>
${options.join('\n')}
</select></label>`;
  return [
    select('birthDate', '生年月日', `birth date; today in Japan is ${today}`, birthDates),
    select('document', '本人確認の方法', 'how PayPay checked the identity', documents),
  ].join('\n');
}

/** What the phone chose about the user's KYC, read strictly from the form. */
interface Choices {
  birthDate?: BirthDatePreset;
  document?: DocumentChoice;
}

function readChoices(form: FormData | null): Choices | Response {
  const birthDate = form?.get('birthDate') ?? '';
  const document = form?.get('document') ?? '';
  if (birthDate !== '' && !isBirthDatePreset(birthDate)) {
    const names = BIRTH_DATE_PRESETS.join(', ');
    return messagePage(
      400,
      '生年月日の選択が正しくありません。',
      `birthDate must be one of ${names}.`,
    );
  }
  if (document !== '' && !isDocumentChoice(document)) {
    const names = Object.keys(DOCUMENTS).join(', ');
    return messagePage(
      400,
      '本人確認の方法の選択が正しくありません。',
      `document must be one of ${names}.`,
    );
  }
  return {
    ...(isBirthDatePreset(birthDate) ? { birthDate } : {}),
    ...(isDocumentChoice(document) ? { document } : {}),
  };
}

/** `GET /phone/<tenant>/<codeId>`: the screen the PayPay app would show. */
export function showPhonePage(tenant: Tenant, codeId: string): Response {
  const session = tenant.store.session(codeId);
  if (!session) return notFoundPage();
  const closed = closedPage(session, tenant.now());
  if (closed) return closed;
  const expires = new Date(session.expiresAt * 1000).toISOString().replace('.000Z', 'Z');
  const [reopenJa, reopenEn] = reopenText(session);
  const buttons = OUTCOMES.map((outcome) => {
    const [ja, en] = LABELS[outcome];
    const primary = outcome === 'complete' ? ' class="primary"' : '';
    return `<button type="submit" name="outcome" value="${outcome}" data-outcome="${outcome}"${primary}>${ja}<span class="en">${en}</span></button>`;
  }).join('\n');
  const body = `<section>
<p>加盟店が本人確認情報の提供を求めています。<span class="en">A merchant asks for your verified identity (KYC Passport).</span></p>
<dl>
<dt>referenceId</dt><dd data-field="referenceId">${escapeHtml(session.referenceId ?? '-')}</dd>
<dt>scopes</dt><dd data-field="scopes">${escapeHtml(session.scopes.join(', '))}</dd>
<dt>期限 / expires</dt><dd>${expires}</dd>
<dt>戻り先 / returns to</dt><dd data-field="reopens">${escapeHtml(reopenJa)}<span class="en">${escapeHtml(reopenEn)}</span></dd>
</dl>
<form method="post">
${session.kycData ? IDENTITY_CHOICE : ''}
${choicePickers(jstToday(tenant.now()))}
<label class="option"><input type="checkbox" name="kycType" value="NON_EKYC"> eKYC 以外で本人確認済み <span class="en">(KYC not done by eKYC)</span></label>
${buttons}
</form>
</section>
<footer>結果を選ぶと加盟店に戻ります。<span class="en">Pick an outcome to go back to the merchant.</span></footer>`;
  return htmlResponse(page('PayPay KYC Passport', body));
}

/**
 * `POST /phone/<tenant>/<codeId>`: records the outcome, creates the user when the
 * link is approved, and sends the browser back with PayPay's responseToken.
 */
export async function answerPhone(
  tenant: Tenant,
  codeId: string,
  request: Request,
): Promise<Response> {
  const now = tenant.now();
  const session = tenant.store.session(codeId);
  if (!session) return notFoundPage();
  const closed = closedPage(session, now);
  if (closed) return closed;
  const form = await request.formData().catch(() => null);
  const outcome = OUTCOMES.find((o) => o === form?.get('outcome'));
  if (outcome === undefined) {
    return messagePage(400, '結果を選んでください。', 'Pick one of the outcomes.');
  }
  const choices = readChoices(form);
  if (choices instanceof Response) return choices;
  // Re-read after the await: another answer may have closed the session meanwhile.
  const fresh = tenant.store.session(codeId);
  if (!fresh) return notFoundPage();
  const closedMeanwhile = closedPage(fresh, now);
  if (closedMeanwhile) return closedMeanwhile;
  const decided: QrSession = { ...fresh, outcome, decidedAt: now };
  if (outcome === 'expire') {
    tenant.store.putSession({ ...decided, state: 'expired' });
    return expiredPage();
  }
  const base = {
    iss: 'paypay.ne.jp',
    aud: tokenAudienceOf(tenant.merchant),
    exp: now + RESPONSE_TOKEN_TTL_SECONDS,
    nonce: fresh.nonce,
    ...(fresh.referenceId !== undefined ? { referenceId: fresh.referenceId } : {}),
  } as const;
  let claims: ResponseTokenClaims;
  if (isApproved(outcome)) {
    const user = approve(tenant, decided, outcome, {
      ...choices,
      nonEkyc: form?.get('kycType') === 'NON_EKYC',
      someoneElse: form?.get('identity') === 'other',
    });
    claims = {
      ...base,
      result: 'succeeded',
      userAuthorizationId: user.userAuthorizationId,
      profileIdentifier: `*******${user.phoneLast4}`,
    };
  } else {
    const result = outcome === 'decline' ? 'declined' : 'bad_request';
    tenant.store.putSession({ ...decided, state: result });
    claims = { ...base, result };
  }
  const token = await signResponseToken(claims, tenant.merchant.apiSecret);
  const location = new URL(fresh.redirectUrl);
  location.searchParams.append('responseToken', token);
  return new Response(null, {
    status: 303,
    headers: { Location: location.href, 'Cache-Control': 'no-store' },
  });
}

/** Everything the phone page's form says about the user who approves. */
interface Approval extends Choices {
  nonEkyc: boolean;
  someoneElse: boolean;
}

function approve(
  tenant: Tenant,
  session: QrSession,
  outcome: ApprovedOutcome,
  approval: Approval,
): SandboxUser {
  const { nonEkyc, someoneElse, birthDate, document } = approval;
  const { standing, webhook } = APPROVED_OUTCOMES[outcome];
  const userAuthorizationId = crypto.randomUUID();
  const digits = session.phoneNumber?.replace(/\D/g, '') ?? '';
  const user: SandboxUser = {
    userAuthorizationId,
    scopes: session.scopes,
    standing,
    // A check at a counter is a kind of KYC of its own, whatever the checkbox says.
    kycType: document === COUNTER ? 'COUNTER' : nonEkyc ? 'NON_EKYC' : 'EKYC',
    phoneLast4: digits.length >= 4 ? digits.slice(-4) : phoneLast4(userAuthorizationId),
    kycCompletedAt: session.createdAt,
    authorization: newAuthorization(
      tenant.merchant,
      tenant.now(),
      session.referenceId !== undefined ? [session.referenceId] : [],
    ),
    ...(session.kycData
      ? { identity: someoneElse ? otherPerson(session.kycData) : expectedPerson(session.kycData) }
      : {}),
    ...(birthDate !== undefined ? { birthDate } : {}),
    ...(document !== undefined ? { document } : {}),
  };
  tenant.store.putUser(user);
  tenant.store.putSession({ ...session, state: 'approved', userAuthorizationId });
  // PayPay tells the merchant about risk, KYC and account changes by webhook.
  if (webhook) tenant.background(tenant.send(eventNotification(webhook, userAuthorizationId)));
  return user;
}

function closedPage(session: QrSession, now: number): Response | null {
  const state = currentState(session, now);
  if (state === 'expired') return expiredPage();
  if (state !== 'pending') return usedPage();
  return null;
}

/** 404 page for a QR code (or tenant) that does not exist. */
export function notFoundPage(): Response {
  return messagePage(404, 'このQRコードは見つかりません。', 'This QR code does not exist.');
}

function expiredPage(): Response {
  return messagePage(410, 'このQRコードは有効期限が切れています。', 'This QR code has expired.');
}

function usedPage(): Response {
  return messagePage(410, 'このQRコードは使用済みです。', 'This QR code has already been used.');
}
