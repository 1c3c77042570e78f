// The demo merchant page's own script: an event log, a language and theme switch,
// and the hand-off of the result token to the merchant's server.
const element = document.getElementById('kyc');
const events = document.getElementById('events');
const server = document.getElementById('server');
const again = document.getElementById('again');
let lastToken = null;

const TEXT = {
  ja: {
    heading: '本人確認',
    intro: 'PayPayで確認済みの本人情報を共有して、口座開設を完了します。',
  },
  en: {
    heading: 'Verify your identity',
    intro: 'Share the identity PayPay has already verified to finish opening your account.',
  },
};

function log(type, detail) {
  const item = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  item.textContent = `${time}  ${type}  ${JSON.stringify(detail)}`;
  item.dataset.type = type;
  events.prepend(item);
}

for (const type of [
  'kyc-passport-ready',
  'kyc-passport-status',
  'kyc-passport-complete',
  'kyc-passport-expired',
  'kyc-passport-error',
]) {
  element.addEventListener(type, (event) => log(type, event.detail));
}

async function exchange(resultToken) {
  server.textContent = 'POST /api/exchange …';
  const response = await fetch('/api/exchange', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ resultToken }),
  });
  const body = await response.json().catch(() => ({}));
  server.textContent = `HTTP ${response.status}\n${JSON.stringify(body, null, 2)}`;
  server.dataset.status = String(response.status);
}

element.addEventListener('kyc-passport-complete', (event) => {
  lastToken = event.detail.resultToken;
  again.hidden = false;
  void exchange(lastToken);
});
again.addEventListener('click', () => lastToken && exchange(lastToken));

const langSelect = document.getElementById('lang');
langSelect.addEventListener('change', () => {
  const lang = langSelect.value;
  document.documentElement.lang = lang;
  element.setAttribute('lang', lang);
  document.getElementById('heading').textContent = TEXT[lang].heading;
  document.getElementById('intro').textContent = TEXT[lang].intro;
});

const themeSelect = document.getElementById('theme');
themeSelect.addEventListener('change', () => {
  document.documentElement.classList.remove('theme-light', 'theme-dark');
  if (themeSelect.value !== 'system')
    document.documentElement.classList.add(`theme-${themeSelect.value}`);
});

// Public mode: the element asks the Worker. Merchant mode: it asks the shop's own
// /api/kyc-session, which creates the session server-side for the signed-in customer.
const modeSelect = document.getElementById('mode');
modeSelect.addEventListener('change', () => {
  const merchant = modeSelect.value === 'merchant';
  if (merchant) element.setAttribute('session-provider', '/api/kyc-session');
  else element.removeAttribute('session-provider');
  document.getElementById('customer').hidden = !merchant;
  element.reset();
  void element.start();
});
