// The demo merchant page's own script: an event log, a language and theme switch,
// and the hand-off of each result token to the merchant's server, which answers
// what it received and whether the signed receipt checked out.
const events = document.getElementById('events');
const again = document.getElementById('again');
const langSelect = document.getElementById('lang');

/** The two verifications side by side: everything PayPay verified, and one fact. */
const verifications = [
  {
    name: 'full',
    element: document.getElementById('kyc'),
    server: document.getElementById('server'),
    receipt: document.getElementById('receipt'),
    // The full identity: the exchange's answer as the shop's server got it.
    show: (status, answer) => `HTTP ${status}\n${JSON.stringify(answer, null, 2)}`,
  },
  {
    name: 'age',
    element: document.getElementById('kyc-age'),
    server: document.getElementById('server-age'),
    receipt: document.getElementById('receipt-age'),
    provider: '/api/kyc-session?claims=age_over_20',
    // The age check: one fact and the receipt that proves it, nothing else.
    show: (status, answer) => {
      if (status !== 200) return `HTTP ${status}\n${JSON.stringify(answer, null, 2)}`;
      const value = answer.claims?.age_over_20;
      const why =
        value === null ? ` (${answer.unavailable?.age_over_20?.code ?? 'unavailable'})` : '';
      return `age_over_20: ${value}${why}\nreceipt: ${receiptIdOf(answer.receipt)}`;
    },
  },
];

/** Per language: the page's words by element id, and the receipt line's words. */
const TEXT = {
  ja: {
    page: {
      heading: '本人確認',
      intro:
        '同じPayPayの本人確認でも、お店が受け取る情報は選べます。すべての本人情報か、年齢だけか。',
      'full-title': 'すべての本人情報',
      'full-intro': '口座開設: PayPayで確認済みの氏名・生年月日・住所などを受け取ります。',
      'age-title': '年齢確認のみ',
      'age-intro': 'お酒の購入: お店が受け取るのは「20歳以上か」だけ。生年月日は受け取りません。',
      'full-received': 'お店が受け取った情報',
      'age-received': 'お店が受け取った情報',
    },
    receipt: '受領証',
    verified: '署名を確認済み',
    refused: '署名を確認できません',
    matches: '内容のダイジェスト一致',
    differs: '内容のダイジェスト不一致',
    none: '受領証なし（Workerに署名鍵がありません）',
  },
  en: {
    page: {
      heading: 'Verify your identity',
      intro:
        'One PayPay verification, two choices for the shop: the full identity, or only whether you are 20 or over.',
      'full-title': 'Full identity',
      'full-intro':
        'Opening an account: the shop receives what PayPay verified (name, birth date, address…).',
      'age-title': 'Age check only',
      'age-intro':
        'Buying alcohol: the shop learns only whether you are 20 or over, never your birth date.',
      'full-received': 'What the shop received',
      'age-received': 'What the shop received',
    },
    receipt: 'Receipt',
    verified: 'signature verified',
    refused: 'signature NOT verified',
    matches: 'digest matches',
    differs: 'digest differs',
    none: 'no receipt (the Worker has no signing key)',
  },
};

const text = () => TEXT[langSelect.value] ?? TEXT.ja;

/** The receipt's id (`jti`), read from its payload; the server checks the signature. */
function receiptIdOf(receipt) {
  if (typeof receipt !== 'string') return 'none';
  try {
    const part = receipt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part)).jti ?? 'none';
  } catch {
    return 'unreadable';
  }
}

function log(name, type, detail) {
  const item = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  item.textContent = `${time}  ${name}  ${type}  ${JSON.stringify(detail)}`;
  item.dataset.type = type;
  item.dataset.element = name;
  events.prepend(item);
}

/** The receipt line: id, key id and what the shop's server made of it. */
function showReceipt(verification, check) {
  const { receipt } = verification;
  const t = text();
  receipt.hidden = check === undefined;
  if (check === undefined) return;
  if (check === null) {
    receipt.textContent = `${t.receipt}: ${t.none}`;
    receipt.dataset.verified = 'none';
    return;
  }
  const verdict = check.signature === 'verified' ? t.verified : `${t.refused} (${check.error})`;
  const digest = check.digest ? ` · ${t[check.digest]}` : '';
  receipt.textContent = `${t.receipt} ${check.id ?? '?'} · kid ${check.kid ?? '?'} · ${verdict}${digest}`;
  receipt.dataset.verified = String(check.signature === 'verified' && check.digest === 'matches');
}

async function exchange(verification, resultToken) {
  const { server } = verification;
  server.textContent = 'POST /api/exchange …';
  delete server.dataset.status;
  showReceipt(verification, undefined);
  const response = await fetch('/api/exchange', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ resultToken }),
  });
  const body = await response.json().catch(() => ({}));
  server.textContent = verification.show(response.status, body.answer ?? body);
  server.dataset.status = String(response.status);
  if (response.status === 200) showReceipt(verification, body.receiptCheck ?? null);
}

for (const verification of verifications) {
  for (const type of [
    'kyc-passport-ready',
    'kyc-passport-status',
    'kyc-passport-complete',
    'kyc-passport-expired',
    'kyc-passport-error',
  ]) {
    verification.element.addEventListener(type, (event) =>
      log(verification.name, type, event.detail),
    );
  }
  verification.element.addEventListener('kyc-passport-complete', (event) => {
    verification.lastToken = event.detail.resultToken;
    if (verification.name === 'full') again.hidden = false;
    void exchange(verification, verification.lastToken);
  });
}
again.addEventListener('click', () => {
  const [full] = verifications;
  if (full.lastToken) void exchange(full, full.lastToken);
});

langSelect.addEventListener('change', () => {
  const lang = langSelect.value;
  document.documentElement.lang = lang;
  for (const { element } of verifications) element.setAttribute('lang', lang);
  for (const [id, words] of Object.entries(TEXT[lang].page)) {
    const node = document.getElementById(id);
    if (node) node.textContent = words;
  }
});

const themeSelect = document.getElementById('theme');
themeSelect.addEventListener('change', () => {
  document.documentElement.classList.remove('theme-light', 'theme-dark');
  if (themeSelect.value !== 'system')
    document.documentElement.classList.add(`theme-${themeSelect.value}`);
});

// Public mode: the elements ask the Worker. Merchant mode: they ask the shop's own
// /api/kyc-session, which creates each session server-side for the signed-in customer.
const modeSelect = document.getElementById('mode');
modeSelect.addEventListener('change', () => {
  const merchant = modeSelect.value === 'merchant';
  for (const { element, provider } of verifications) {
    if (merchant) element.setAttribute('session-provider', provider ?? '/api/kyc-session');
    else element.removeAttribute('session-provider');
    element.reset();
  }
  document.getElementById('customer').hidden = !merchant;
  // The full identity starts at once, as on load; the age check waits for its button.
  void verifications[0].element.start();
});
