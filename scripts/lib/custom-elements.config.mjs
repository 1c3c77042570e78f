// The analyzer's settings for dist/custom-elements.json (`cem analyze --config`
// in scripts/build.mjs): the element's module and its event classes, read as a
// Lit element, and one plugin, firesOnly, for the events.

export default {
  globs: ['widget/paypay-kyc-passport.ts', 'widget/events.ts'],
  outdir: 'dist',
  litelement: true,
  plugins: [firesOnly()],
};

/**
 * A class's events are exactly its `@fires` lines, each with its event class as
 * type (`@fires {KycPassportReadyEvent} kyc-passport-ready - ...`). The analyzer
 * also guesses events from `this.dispatchEvent(new X(...))`, naming each by X's
 * first argument; our event classes pass their name to `super()` themselves, so
 * those guesses came out unnamed or named `detail`. They are dropped here; the
 * package test compares the result with the classes in widget/events.ts.
 */
function firesOnly() {
  /** Class name -> the event names its JSDoc declares. */
  const declared = new Map();
  return {
    name: 'fires-only',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || node.name === undefined) return;
      const docs = (node.jsDoc ?? []).map((doc) => doc.getFullText()).join('\n');
      const names = [...docs.matchAll(/@fires\s+(?:\{[^}]*\}\s+)?([\w-]+)/g)].map((m) => m[1]);
      declared.set(node.name.getText(), new Set(names));
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const moduleDoc of customElementsManifest.modules) {
        for (const declaration of moduleDoc.declarations ?? []) {
          if (declaration.events === undefined) continue;
          const names = declared.get(declaration.name) ?? new Set();
          declaration.events = declaration.events.filter((event) => names.has(event.name));
        }
      }
    },
  };
}
