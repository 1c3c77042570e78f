/**
 * The hosted page's own script: it sends the customer back to the shop with a
 * form POST, so the result token travels in a body and never in a URL (an
 * address bar, the history, a log or a Referer). It reads the form the page
 * wrote and the element's events, and holds no data of its own: one constant
 * text, allowed by the response's CSP nonce. Kept out of the element's bundle,
 * which every shop downloads (scripts/lib/budget.mjs).
 *
 * It runs before the element's script: `litNonce` lets Lit's `<style>`
 * fallback (a browser without constructable stylesheets) pass the same CSP.
 */
export const GLUE = `(() => {
  window.litNonce = document.currentScript.nonce;
  const form = document.getElementById('return');
  const element = document.querySelector('paypay-kyc-passport');
  let sent = false;
  const send = (fields) => {
    if (sent) return;
    sent = true;
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.dataset.returning = fields.status ?? form.dataset.ended;
    form.submit();
  };
  if (form.dataset.ended) return send({});
  element.addEventListener('kyc-passport-complete', (event) =>
    send({ status: 'completed', resultToken: event.detail.resultToken }),
  );
  element.addEventListener('kyc-passport-expired', () =>
    send({ status: 'expired', reason: 'expired' }),
  );
  element.addEventListener('kyc-passport-status', (event) => {
    if (event.detail.status === 'failed')
      send({ status: 'failed', reason: event.detail.reason ?? 'PAYPAY_ERROR' });
  });
})();`;
