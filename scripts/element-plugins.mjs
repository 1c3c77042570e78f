// Vite plugins of the element's browser bundles (vite.config.ts): they change
// how the code is bundled and minified, never what it does.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';

/**
 * Minifies the CSS of `css\`...\`` literals without `${}` in widget/*.styles.ts
 * (the JS minifier leaves template text as it is). esbuild's CSS minifier keeps
 * declarations in order and custom-property values verbatim.
 * Each becomes `unsafeCSS("...")` of its minified text: for a literal without
 * `${}`, lit's `css` tag makes the same CSSResult from the same text (it only
 * checks the values it interpolates, and caches the style sheet by literal,
 * which a module-level literal has one of anyway), and its code and error
 * messages stay out of the bundle.
 * @returns {import('vite').Plugin}
 */
export function minifyCssLiterals() {
  return {
    name: 'kyc-minify-css-literals',
    apply: 'build',
    transform(code, id) {
      if (!/\/widget\/[\w-]+\.styles\.ts$/.test(id)) return null;
      let count = 0;
      const out = code.replace(/\bcss`([^`$\\]*)`/g, (_, text) => {
        const { code: css } = transformSync(text, { loader: 'css', minify: true });
        count++;
        return `kycUnsafeCSS(${JSON.stringify(css.trim())})`;
      });
      if (count === 0) return null;
      // Only the literal (the file's last statement) changed, and an import declaration
      // (hoisted, wherever it is) follows it: the positions before it hold.
      return { code: `${out}\nimport { unsafeCSS as kycUnsafeCSS } from 'lit';\n`, map: null };
    },
  };
}

/** qrcode's encoder, `lib/core/`, as the package ships it (CommonJS). */
const QRCODE_CORE = /\/node_modules\/qrcode\/lib\/core\/[\w-]+\.js$/;
/** The shortest-path search qrcode's segmentation uses (CommonJS too). */
const DIJKSTRA = /\/node_modules\/dijkstrajs\/dijkstra\.js$/;

/**
 * qrcode's encoder (CommonJS: `require`, `exports.x = ...`) rewritten as ES
 * modules, line for line, so the bundler can hoist it into one scope, shorten
 * its names and drop what the element never calls. Only the shapes that
 * qrcode 1.5's core uses are rewritten; anything else left over fails the build.
 * Its one dependency, dijkstrajs, goes the same way (no CommonJS interop left).
 * test/e2e/qrcode-core.test.ts checks the rewritten encoder against the original.
 * @returns {import('vite').Plugin}
 */
export function qrcodeCoreAsEsm() {
  return {
    name: 'kyc-qrcode-core-as-esm',
    apply: 'build',
    transform(code, id) {
      if (QRCODE_CORE.test(id)) return { code: coreModuleAsEsm(code, id), map: null };
      if (DIJKSTRA.test(id)) return { code: dijkstraAsEsm(code, id), map: null };
      return null;
    },
  };
}

/**
 * One module of qrcode's core, as an ES module.
 * @param {string} code
 * @param {string} id its path
 * @returns {string}
 */
export function coreModuleAsEsm(code, id) {
  const isDefaultExport = (name) =>
    /\bmodule\.exports\s*=/.test(readFileSync(join(dirname(id), `${name}.js`), 'utf8'));
  let out = code
    // const getSymbolSize = require('./utils').getSymbolSize
    .replace(
      /^const (\w+) = require\('\.\/([\w-]+)'\)\.(\w+)$/gm,
      (_, local, name, prop) => `import { ${prop} as ${local} } from './${name}.js'`,
    )
    // const Mode = require('./mode'): its namespace, or its one `module.exports`
    .replace(/^const (\w+) = require\('\.\/([\w-]+)'\)$/gm, (_, local, name) =>
      isDefaultExport(name)
        ? `import ${local} from './${name}.js'`
        : `import * as ${local} from './${name}.js'`,
    )
    // const dijkstra = require('dijkstrajs'): a CommonJS package, imported as one
    .replace(/^const (\w+) = require\('([\w-]+)'\)$/gm, `import $1 from '$2'`)
    .replace(/^module\.exports = (\w+)$/gm, 'export default $1')
    // exports.from = function from (...): a declaration (hoisted; nothing reads it earlier)
    .replace(/^exports\.(\w+) = function(?: \w+)? ?\(/gm, 'export function $1 (')
    .replace(/^exports\.(\w+) = /gm, 'export const $1 = ')
    // exports.isValid(...) inside the module: its own binding now
    .replace(/\bexports\.(\w+)/g, '$1');
  const left = /\brequire\s*\(|\bmodule\.exports\b|\bexports\b(?=\s*[.[=])/.exec(
    out.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''),
  );
  if (left) {
    throw new Error(
      `${id}: "${left[0]}" is a CommonJS shape this rewrite does not know (has qrcode changed?)`,
    );
  }
  return out;
}

/**
 * dijkstrajs as an ES module: its one export, `module.exports = dijkstra`
 * (guarded for browsers), as the default export.
 * @param {string} code
 * @param {string} id its path
 * @returns {string}
 */
export function dijkstraAsEsm(code, id) {
  const guard = /^if \(typeof module !== 'undefined'\) \{\s*module\.exports = dijkstra;?\s*\}$/m;
  if (!guard.test(code)) {
    throw new Error(
      `${id}: its export is not where this rewrite expects it (has dijkstrajs changed?)`,
    );
  }
  return code.replace(guard, 'export default dijkstra');
}

/**
 * qrcode's encoder cut to the one call the element makes (widget/qr.ts):
 * `create(text, { errorCorrectionLevel: 'M' })`, with a string, no version, no
 * mask and no `toSJISFunc`. What that call can never reach goes:
 * - the options it does not pass (version, mask, `toSJISFunc`): level M is
 *   also the encoder's default, so the options object is not read at all;
 * - Kanji mode: qrcode only uses it with a `toSJISFunc`; without one, Kanji
 *   text is encoded as bytes, as here;
 * - the levels L, Q and H: their columns of the error correction tables.
 * Each edit must match qrcode 1.5's source exactly once, or the build fails.
 * test/e2e/element-build.test.ts checks that this encoder draws, module for
 * module, the code the original draws at level M.
 * Runs on the CommonJS source, before {@link qrcodeCoreAsEsm}.
 * @returns {import('vite').Plugin}
 */
export function qrcodeForTheElement() {
  return {
    name: 'kyc-qrcode-for-the-element',
    apply: 'build',
    transform(code, id) {
      const file = QRCODE_CORE.test(id) ? id.slice(id.lastIndexOf('/') + 1) : null;
      const edit = file && ELEMENT_EDITS[file];
      if (!edit) return null;
      // One file of qrcode 1.5.4 (error-correction-code.js) has CRLF line ends.
      return { code: edit(code.replace(/\r\n/g, '\n'), id), map: null };
    },
  };
}

/**
 * `code` with `from` replaced by `to`, where `from` must occur `times` times.
 * @param {string} code
 * @param {string} id the file, for the error
 * @param {string | RegExp} from a string, or a global RegExp
 * @param {string} to
 * @param {number} [times]
 * @returns {string}
 */
function replaceExactly(code, id, from, to, times = 1) {
  const found =
    typeof from === 'string' ? code.split(from).length - 1 : [...code.matchAll(from)].length;
  if (found !== times) {
    throw new Error(
      `${id}: expected ${times} × ${String(from)}, found ${found} (has qrcode changed?)`,
    );
  }
  return typeof from === 'string' ? code.split(from).join(to) : code.replace(from, to);
}

/**
 * A table of qrcode's error correction codes: four numbers a version, for the
 * levels L, M, Q, H in that order. Only M's column is kept.
 * @param {string} code
 * @param {string} id
 * @param {string} name
 * @returns {string}
 */
function levelMColumn(code, id, name) {
  // Its header comment names the columns: the order this relies on.
  const table = new RegExp(`^const ${name} = \\[\\n// L {2}M {2}Q {2}H\\n([\\d,\\s]+)\\]$`, 'm');
  const found = table.exec(code);
  const numbers = found ? found[1].split(',').map((n) => n.trim()) : [];
  if (numbers.length !== 40 * 4 || numbers.some((n) => !/^\d+$/.test(n))) {
    throw new Error(`${id}: ${name} is not 40 × (L, M, Q, H) numbers (has qrcode changed?)`);
  }
  const m = numbers.filter((_, i) => i % 4 === 1);
  return code.replace(table, `const ${name} = [${m.join(', ')}]`);
}

/** @type {Record<string, (code: string, id: string) => string>} */
const ELEMENT_EDITS = {
  'qrcode.js': (code, id) =>
    // The options block: level M stays the default; version and mask stay undefined (automatic).
    replaceExactly(
      code,
      id,
      /\n {2}if \(typeof options !== 'undefined'\) \{\n[\s\S]*?\n {2}\}\n/g,
      '\n',
    ),
  'segments.js': (code, id) => {
    // Without a toSJISFunc (never set now), Kanji mode is off.
    let out = replaceExactly(code, id, 'Utils.isKanjiModeEnabled()', 'false', 4);
    // Kanji segments are never made then: their cases go, and KanjiData with them.
    out = replaceExactly(
      out,
      id,
      /\n {4}case Mode\.KANJI:\n {6}return (?:KanjiData\.getBitsLength\(length\)|new KanjiData\(data\)\n)/g,
      '',
      2,
    );
    out = replaceExactly(
      out,
      id,
      /\n {6}case Mode\.KANJI:\n {8}nodes\.push\(\[seg,\n[^\n]*\n {8}\]\)\n {8}break/g,
      '',
    );
    out = replaceExactly(out, id, "const KanjiData = require('./kanji-data')\n", '');
    const left = /\bKanjiData\b|isKanjiModeEnabled/.exec(out);
    if (left) throw new Error(`${id}: "${left[0]}" is still there (has qrcode changed?)`);
    return out;
  },
  // Kanji text would become a Kanji segment, then bytes since Kanji mode is off: bytes at once.
  'mode.js': (code, id) =>
    replaceExactly(code, id, '\n  else if (Regex.testKanji(dataStr)) return exports.KANJI', ''),
  'error-correction-code.js': (code, id) => {
    let out = levelMColumn(code, id, 'EC_BLOCKS_TABLE');
    out = levelMColumn(out, id, 'EC_CODEWORDS_TABLE');
    // The switch over the four levels: M's row, whatever the level.
    out = replaceExactly(
      out,
      id,
      /\n {2}switch \(errorCorrectionLevel\) \{\n {4}case ECLevel\.L:\n {6}return (\w+)\[\(version - 1\) \* 4 \+ 0\]\n(?: {4}case ECLevel\.[MQH]:\n {6}return \1\[\(version - 1\) \* 4 \+ [123]\]\n){3} {4}default:\n {6}return undefined\n {2}\}/g,
      '\n  return $1[version - 1]',
      2,
    );
    return out;
  },
  // The Kanji patterns, tested by nothing now (a RegExp built at load time is kept unless removed).
  'regex.js': (code, id) => {
    let out = code;
    for (const statement of [
      /^let kanji = [^\n]*(?:\n {2}[^\n]*)*\nkanji = kanji\.replace\([^\n]*\n/gm,
      /^const byte = [^\n]*\n/gm,
      /^exports\.KANJI = [^\n]*\n/gm,
      /^exports\.BYTE = [^\n]*\n/gm,
      /^const TEST_KANJI = [^\n]*\n/gm,
      /^exports\.testKanji = function testKanji \(str\) \{\n[^\n]*\n\}\n/gm,
    ]) {
      out = replaceExactly(out, id, statement, '');
    }
    const left = /\bkanji\b|\bKANJI\b|testKanji/.exec(out);
    if (left) throw new Error(`${id}: "${left[0]}" is still there (has qrcode changed?)`);
    return out;
  },
  // Its one caller passes the level create() chose, which from() would hand back as is.
  'version.js': (code, id) =>
    replaceExactly(
      code,
      id,
      'const ecl = ECLevel.from(errorCorrectionLevel, ECLevel.M)',
      'const ecl = errorCorrectionLevel',
    ),
};
