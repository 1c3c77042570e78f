// The element's stylesheet as a CSP hash. Where `adoptedStyleSheets` is missing
// (Safari before 16.4: iPhones on iOS 15 and 16.0-16.3), Lit puts the element's
// styles in a <style> element inside its shadow root, which a page's
// `style-src 'self'` blocks: the element then shows unstyled. The stylesheet is
// fixed per build, so its sha256, like the script's SRI, lets a strict policy allow
// exactly it: `style-src 'self' 'sha256-…'`. The build prints it; the demo page
// and the hosted page send it; test/e2e/old-safari.test.ts checks it against the
// <style> that WPE WebKit (about Safari 16.0) really makes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The one stylesheet text in a built file: the literal that starts `:host{--kyc-passport-accent`. */
export function elementStyleText(code) {
  const found = [
    ...code.matchAll(/([`"'])(\s*:host\s*\{\s*--kyc-passport-accent(?:(?!\1)[^\\]|\\.)*)\1/g),
  ];
  if (found.length !== 1)
    throw new Error(
      `expected the element's stylesheet once in the build, found it ${found.length} times`,
    );
  const [, quote, text] = found[0];
  // The literal read as JavaScript reads it, escapes and all: our own build's output,
  // and CSS holds no `${`, so the template has no expressions.
  return new Function(`return ${quote}${text}${quote};`)();
}

/** The CSP source for a built file's stylesheet: `'sha256-…'`. */
export function styleHash(file) {
  const text = elementStyleText(readFileSync(file, 'utf8'));
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
