import jsQR from 'jsqr';
import { page } from 'vitest/browser';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, mount, part, reach } from './support';

/** Captures the Worker's answer to POST /v1/sessions: the authoritative qrUrl. */
function captureCreatedSessions(): { urls: string[]; restore: () => void } {
  const original = window.fetch;
  const urls: string[] = [];
  window.fetch = async (input, init) => {
    const response = await original(input, init);
    if (String(input).endsWith('/v1/sessions') && response.status === 201) {
      urls.push(((await response.clone().json()) as { qrUrl: string }).qrUrl);
    }
    return response;
  };
  return { urls, restore: () => (window.fetch = original) };
}

/** Decodes the QR in a screenshot of `element`, the way a phone camera would see it. */
async function decodeScreenshot(element: Element): Promise<string | null> {
  const base64 = await page.screenshot({ element, base64: true, save: false });
  const image = new Image();
  image.src = `data:image/png;base64,${base64}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(pixels.data, pixels.width, pixels.height)?.data ?? null;
}

afterEach(() => {
  cleanup();
  document.documentElement.style.colorScheme = '';
});

describe('the QR code', () => {
  it("decodes, from a screenshot, to exactly the session's qrUrl", async () => {
    const capture = captureCreatedSessions();
    try {
      const { el } = mount();
      await reach(el, 'qr');
      expect(capture.urls).toHaveLength(1);
      expect(await decodeScreenshot(part(el, 'qr')!)).toBe(capture.urls[0]);
    } finally {
      capture.restore();
    }
  });

  it('still decodes in dark mode: dark modules on a light background', async () => {
    // The element's colours are light-dark() of the inherited color-scheme.
    document.documentElement.style.colorScheme = 'dark';
    const capture = captureCreatedSessions();
    try {
      const { el } = mount();
      await reach(el, 'qr');
      const card = part(el, 'card')!;
      // The card itself went dark...
      expect(getComputedStyle(card).backgroundColor).toBe('rgb(31, 34, 38)');
      // ...the QR did not.
      expect(await decodeScreenshot(part(el, 'qr')!)).toBe(capture.urls[0]);
    } finally {
      capture.restore();
    }
  });

  it('is a scalable SVG with the link as its accessible name, never a raster image', async () => {
    const { el } = mount({ lang: 'en' });
    await reach(el, 'qr');
    const svg = part(el, 'qr')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toMatch(
      /^QR code to scan with PayPay \(https?:\/\/.+\)$/,
    );
    expect(svg.getAttribute('viewBox')).toMatch(/^0 0 (\d+) \1$/);
    expect(svg.querySelector('image, foreignObject')).toBeNull();
    expect(el.shadowRoot!.querySelector('img, canvas')).toBeNull();
    // Level M keeps a 100-character URL at version 5 or 6 (37-41 modules + 8 quiet-zone).
    const size = Number(svg.getAttribute('viewBox')!.split(' ')[2]);
    expect(size).toBeGreaterThanOrEqual(29);
    expect(size).toBeLessThanOrEqual(57);
  });
});
