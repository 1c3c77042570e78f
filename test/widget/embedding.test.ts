import { afterEach, describe, expect, inject, it } from 'vitest';

/** sha384 SRI of a URL's bytes, computed the way a merchant's build would. */
async function sriOf(url: string): Promise<string> {
  const bytes = await (await fetch(url)).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', bytes));
  return `sha384-${btoa(String.fromCharCode(...digest))}`;
}

interface Frame {
  frame: HTMLIFrameElement;
  win: Window & typeof globalThis;
  violations: string[];
  errors: string[];
}

/**
 * A merchant page of its own: strict CSP (no inline script or style, scripts
 * and connections only to the Worker), the element's script tags as given.
 */
async function merchantPage(scripts: string): Promise<Frame> {
  const worker = inject('workerUrl');
  const csp = `default-src 'none'; script-src ${worker}; style-src 'self'; connect-src ${worker}; img-src 'self'`;
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="${csp}">${scripts}</head><body></body></html>`;
  const violations: string[] = [];
  const errors: string[] = [];
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow as Window & typeof globalThis;
  win.document.addEventListener('securitypolicyviolation', (e) =>
    violations.push(`${e.violatedDirective} ${e.blockedURI}`),
  );
  win.addEventListener('error', (e) => errors.push(e.message));
  return { frame, win, violations, errors };
}

async function placeElement({ win }: Frame): Promise<HTMLElement> {
  await win.customElements.whenDefined('paypay-kyc-passport');
  const el = win.document.createElement('paypay-kyc-passport');
  el.setAttribute('endpoint', inject('workerUrl'));
  win.document.body.append(el);
  return el;
}

async function qrShown(el: HTMLElement): Promise<void> {
  await expect
    .poll(
      () =>
        el.shadowRoot?.querySelector('[part~="qr"]') !== null &&
        el.shadowRoot?.querySelector('[part~="qr"]') !== undefined,
      { timeout: 10_000 },
    )
    .toBe(true);
}

afterEach(() => {
  for (const frame of document.querySelectorAll('iframe')) frame.remove();
});

describe('embedding', () => {
  it('works on a page with a strict CSP, from the classic script pinned with SRI', async () => {
    const src = `${inject('workerUrl')}/paypay-kyc-passport.iife.js`;
    const page = await merchantPage(
      `<script src="${src}" integrity="${await sriOf(src)}" crossorigin="anonymous"></script>`,
    );
    const el = await placeElement(page);
    await qrShown(el);
    expect(page.violations).toEqual([]);
    expect(page.errors).toEqual([]);
  });

  it('works when the script is loaded twice, and as a module besides: one definition, no error', async () => {
    const worker = inject('workerUrl');
    const page = await merchantPage(
      `<script src="${worker}/paypay-kyc-passport.iife.js" crossorigin></script>` +
        `<script src="${worker}/paypay-kyc-passport.iife.js" crossorigin></script>` +
        `<script type="module" src="${worker}/paypay-kyc-passport.js" crossorigin></script>`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const el = await placeElement(page);
    await qrShown(el);
    expect(page.errors).toEqual([]);
    expect(page.win.document.querySelectorAll('paypay-kyc-passport')).toHaveLength(1);
  });

  it('is refused by the browser when the SRI hash does not match', async () => {
    const src = `${inject('workerUrl')}/paypay-kyc-passport.iife.js`;
    const page = await merchantPage(
      `<script src="${src}" integrity="sha384-${'A'.repeat(64)}" crossorigin="anonymous"></script>`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(page.win.customElements.get('paypay-kyc-passport')).toBeUndefined();
  });

  it('serves the versioned copy for a year and the plain name briefly, both with CORS', async () => {
    const worker = inject('workerUrl');
    // These reads are cross-origin: that they succeed at all shows the CORS header.
    const plain = await fetch(`${worker}/paypay-kyc-passport.iife.js`);
    expect(plain.headers.get('Cache-Control')).toBe('public, max-age=300');
    const pinned = await fetch(`${worker}/v/${inject('version')}/paypay-kyc-passport.iife.js`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(await pinned.text()).toBe(await plain.text());
  });
});
