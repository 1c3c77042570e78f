import { css } from 'lit';

/**
 * Every colour is a `--kyc-passport-*` property whose default follows the page's
 * `color-scheme` (and the OS where the page allows both) through `light-dark()`;
 * both palettes meet WCAG AA contrast. Safari before 17.5 (every iPhone on iOS 15
 * to 17.4), Chrome before 123 and Firefox before 120 do not know `light-dark()`:
 * a custom property holding it is then invalid where it is used, and the card
 * lost every colour. Those engines get the light palette, readable on any page.
 * The light values are written twice, as literals: a template with expressions
 * would escape the build's CSS minifier (scripts/lib/element-build.mjs).
 */
export const styles = css`
  :host {
    --kyc-passport-accent: #c8002a;
    --kyc-passport-accent-text: #ffffff;
    --kyc-passport-bg: #ffffff;
    --kyc-passport-fg: #1d1f23;
    --kyc-passport-muted: #50565e;
    --kyc-passport-border: #dcdfe3;
    --kyc-passport-success: #0a7a32;
    --kyc-passport-danger: #b3261e;
    --kyc-passport-focus: #0b57d0;
  }
  @supports (color: light-dark(#000, #fff)) {
    :host {
      --kyc-passport-accent: light-dark(#c8002a, #ff8fa0);
      --kyc-passport-accent-text: light-dark(#ffffff, #1f0006);
      --kyc-passport-bg: light-dark(#ffffff, #1f2226);
      --kyc-passport-fg: light-dark(#1d1f23, #f1f3f5);
      --kyc-passport-muted: light-dark(#50565e, #b9bec6);
      --kyc-passport-border: light-dark(#dcdfe3, #3a3f46);
      --kyc-passport-success: light-dark(#0a7a32, #6fdc97);
      --kyc-passport-danger: light-dark(#b3261e, #ff9a90);
      --kyc-passport-focus: light-dark(#0b57d0, #a8c7fa);
    }
  }
  :host {
    --kyc-passport-radius: 16px;
    --kyc-passport-size: 220px;
    --kyc-passport-font:
      system-ui, -apple-system, 'Hiragino Sans', 'Noto Sans JP', 'Yu Gothic', sans-serif;
    display: block;
    max-width: 360px;
    color-scheme: inherit;
    font-family: var(--kyc-passport-font);
  }
  [part~='card'] {
    box-sizing: border-box;
    padding: 20px;
    border: 1px solid var(--kyc-passport-border);
    border-radius: var(--kyc-passport-radius);
    background: var(--kyc-passport-bg);
    color: var(--kyc-passport-fg);
    text-align: center;
  }
  h2 {
    margin: 0 0 12px;
    font-size: 1.05rem;
    font-weight: 700;
  }
  [part~='status'] {
    margin: 8px 0;
    font-weight: 600;
    line-height: 1.5;
  }
  .hint,
  [part~='countdown'],
  .reference {
    margin: 6px 0;
    color: var(--kyc-passport-muted);
    font-size: 0.875rem;
    line-height: 1.5;
  }
  .reference {
    font-size: 0.75rem;
  }
  /* The QR keeps dark modules on white in every scheme: phones read it reliably. */
  [part~='qr'] {
    display: block;
    width: var(--kyc-passport-size);
    height: var(--kyc-passport-size);
    margin: 8px auto;
    border-radius: 8px;
    background: #ffffff;
  }
  [part~='button'] {
    display: inline-block;
    box-sizing: border-box;
    min-height: 44px;
    margin: 8px 4px 0;
    padding: 10px 20px;
    border: 2px solid var(--kyc-passport-accent);
    border-radius: 999px;
    background: transparent;
    color: var(--kyc-passport-fg);
    font: inherit;
    font-weight: 700;
    text-decoration: none;
    cursor: pointer;
  }
  [part~='primary'] {
    background: var(--kyc-passport-accent);
    color: var(--kyc-passport-accent-text);
  }
  [part~='button']:focus-visible,
  [part~='link']:focus-visible {
    outline: 3px solid var(--kyc-passport-focus);
    outline-offset: 3px;
  }
  [part~='link'] {
    margin-top: 8px;
    border: 0;
    background: none;
    color: var(--kyc-passport-fg);
    font: inherit;
    font-size: 0.875rem;
    text-decoration: underline;
    cursor: pointer;
  }
  .mark {
    font-size: 2rem;
    line-height: 1;
  }
  .done {
    color: var(--kyc-passport-success);
  }
  .bad {
    color: var(--kyc-passport-danger);
  }
  .spinner {
    width: 28px;
    height: 28px;
    margin: 12px auto;
    border: 3px solid var(--kyc-passport-border);
    border-top-color: var(--kyc-passport-accent);
    border-radius: 50%;
  }
  @media (prefers-reduced-motion: no-preference) {
    .spinner {
      animation: spin 0.9s linear infinite;
    }
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
`;
