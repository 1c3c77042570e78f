// Vite plugins and minifier settings of the element's browser bundles
// (vite.config.ts): they change how the code is bundled and minified, and cut
// from qrcode's encoder what the element's one call cannot reach; never what
// the element does.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
import { minify as terser } from 'terser';

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

/**
 * Terser's compressor over the classic script, before vite's own minifier
 * (oxc: it mangles, and writes the output). Terser inlines what is used once
 * and folds what oxc leaves, and the two together make a smaller script than
 * either alone: 184 B of gzip less than oxc alone when this was written.
 * No mangling here (oxc's comes after), default compress options (none of
 * terser's `unsafe` ones), two passes.
 * @returns {import('vite').Plugin}
 */
export function terserCompress() {
  return {
    name: 'kyc-terser-compress',
    apply: 'build',
    async renderChunk(code, _chunk, output) {
      if (output.format !== 'iife') return null;
      const result = await terser(code, {
        ecma: 2020,
        module: false,
        compress: { passes: 2 },
        mangle: false,
        sourceMap: output.sourcemap ? { asObject: true } : false,
      });
      if (result.code === undefined) throw new Error('terser returned no code');
      return { code: result.code, map: /** @type {any} */ (result.map) ?? null };
    },
  };
}

/**
 * Properties of qrcode's encoder and of dijkstrajs that nothing outside them
 * reads (the element reads a symbol's `size` and `get()` only): names that no
 * built-in, no DOM interface, no part of lit and no file of ours uses
 * (test/e2e/element-build.test.ts checks the last two), so the minifier may
 * shorten them everywhere.
 */
export const ENCODER_PROPERTIES = [
  'getBitsLength',
  'getLength',
  'getLengthInBits',
  'putBit',
  'reservedBit',
  'isReserved',
  'genPoly',
  'lastCount',
  'ccBits',
  'single_source_shortest_paths',
  'extract_shortest_path_from_predecessor_list',
  'find_path',
  'PriorityQueue',
  'default_sorter',
  'sorter',
];

/** vite's minifier (oxc) for the element's bundles, shortening {@link ENCODER_PROPERTIES} too. */
export const elementMinify = {
  compress: true,
  mangle: true,
  mangleProps: { include: new RegExp(`^(?:${ENCODER_PROPERTIES.join('|')})$`) },
};

/** The element's build plugins, in order: vite.config.ts, and what is built to be measured beside it. */
export function elementPlugins() {
  return [minifyCssLiterals(), qrcodeForTheElement(), qrcodeCoreAsEsm(), terserCompress()];
}

/**
 * The element's `build` options that what is measured beside it shares (the
 * bench's floor, the encoder's tests). Non-ASCII text (the Japanese strings)
 * comes out as \u escapes: the same strings, a smaller gzip (the escapes share
 * their bytes' codes with the code around them), and no mojibake on a page that
 * serves the script without a UTF-8 charset.
 */
export const elementBuild = {
  target: 'es2022',
  rolldownOptions: { output: { charset: 'ascii', minify: elementMinify } },
};

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
 * `create(text, { errorCorrectionLevel: 'M' })`, with a string (a session's
 * qrUrl), no version, no mask and no `toSJISFunc`. What that call can never
 * reach goes, each edit saying why (ELEMENT_EDITS):
 * - the options it does not pass (version, mask, `toSJISFunc`): level M is
 *   also the encoder's default, so the options object is not read at all, and
 *   the branches for a given version or mask, or for data other than a string;
 * - Kanji mode: qrcode only uses it with a `toSJISFunc`; without one, Kanji
 *   text is encoded as bytes, as here;
 * - the levels L, Q and H: their columns of the error correction tables;
 * - checks of arguments that qrcode's own callers always pass valid (versions
 *   1 to 40 from its own loops, sizes, modes), and the check of a segment's
 *   mode against its data, which the segmentation itself chose for that data;
 * - constants read through objects (mask pattern numbers, penalty weights),
 *   written as the numbers they are;
 * - in dijkstrajs, the error for a graph without a path, which the graph
 *   qrcode builds always has.
 * Each edit must match qrcode 1.5's source exactly, or the build fails.
 * test/e2e/element-build.test.ts checks that this encoder draws, module for
 * module, the code the original draws at level M, at every version.
 * Runs on the CommonJS source, before {@link qrcodeCoreAsEsm}.
 * @returns {import('vite').Plugin}
 */
export function qrcodeForTheElement() {
  return {
    name: 'kyc-qrcode-for-the-element',
    apply: 'build',
    transform(code, id) {
      const file =
        QRCODE_CORE.test(id) || DIJKSTRA.test(id) ? id.slice(id.lastIndexOf('/') + 1) : null;
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
 * @param {string | ((...match: string[]) => string)} to a replacer function with a RegExp
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
  if (typeof from === 'string') return code.split(from).join(String(to));
  return code.replace(from, /** @type {any} */ (to));
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

/**
 * `code` with each `[from, to, times?]` of `edits` applied, `from` found `times` (1) times.
 * @param {string} code
 * @param {string} id
 * @param {[string | RegExp, string | ((...match: string[]) => string), number?][]} edits
 * @returns {string}
 */
function replaceAll(code, id, edits) {
  return edits.reduce((out, [from, to, times]) => replaceExactly(out, id, from, to, times), code);
}

/**
 * Fails when `pattern` is still in `code` after the edits.
 * @param {string} code
 * @param {string} id
 * @param {RegExp} pattern
 * @returns {string}
 */
function without(code, id, pattern) {
  const left = pattern.exec(code);
  if (left) throw new Error(`${id}: "${left[0]}" is still there (has qrcode changed?)`);
  return code;
}

/** An argument check that cannot fail for the arguments qrcode's own callers pass. */
const check = (condition, message) =>
  new RegExp(
    `\\n {2}if \\(${condition}\\) (?:\\{\\n {4})?throw new Error\\(${message}\\)(?:\\n {2}\\})?\\n`,
    'g',
  );

/** @type {Record<string, (code: string, id: string) => string>} */
const ELEMENT_EDITS = {
  'qrcode.js': (code, id) =>
    replaceAll(code, id, [
      // The options block: level M stays the default; version and mask stay undefined (automatic).
      [/\n {2}if \(typeof options !== 'undefined'\) \{\n[\s\S]*?\n {2}\}\n/g, '\n'],
      // The data is a string (a session's qrUrl): no array of segments, nothing else.
      [
        /\n {2}if \(Array\.isArray\(data\)\) \{\n {4}segments = Segments\.fromArray\(data\)\n {2}\} else if \(typeof data === 'string'\) \{\n([\s\S]*?)\n {2}\} else \{\n {4}throw new Error\('Invalid data'\)\n {2}\}/g,
        '\n$1',
      ],
      // No version given: the smallest that holds the data, never a given one too small.
      [
        /\n {2}if \(!version\) \{\n {4}version = bestVersion\n\n {2}\/\/ Check if the specified version can contain the data\n {2}\} else if \(version < bestVersion\) \{\n[\s\S]*?\n {2}\}\n/g,
        '\n  version = bestVersion\n',
      ],
      // No mask given: the best one, always.
      [
        /\n {2}if \(isNaN\(maskPattern\)\) \{\n {4}\/\/ Find best mask pattern\n {4}(maskPattern = MaskPattern\.getBestMask\([^\n]*\n[^\n]*\))\n {2}\}/g,
        '\n  $1',
      ],
    ]),
  'segments.js': (code, id) => {
    const out = replaceAll(code, id, [
      // Without a toSJISFunc (never set now), Kanji mode is off.
      ['Utils.isKanjiModeEnabled()', 'false', 4],
      // Kanji segments are never made then: their cases go, and KanjiData with them.
      [
        /\n {4}case Mode\.KANJI:\n {6}return (?:KanjiData\.getBitsLength\(length\)|new KanjiData\(data\)\n)/g,
        '',
        2,
      ],
      [/\n {6}case Mode\.KANJI:\n {8}nodes\.push\(\[seg,\n[^\n]*\n {8}\]\)\n {8}break/g, ''],
      ["const KanjiData = require('./kanji-data')\n", ''],
      // fromArray() is only given the segments fromString() and rawSplit() cut, each
      // {data, mode} with the mode its data was matched for (or one that holds more):
      // no string to find a mode for, no mode to check against its data.
      [
        /\nfunction buildSingleSegment \(data, modesHint\) \{\n[\s\S]*?\n {2}switch \(mode\) \{/g,
        '\nfunction buildSingleSegment (data, mode) {\n  switch (mode) {',
      ],
      [
        /\n {4}if \(typeof seg === 'string'\) \{\n {6}acc\.push\(buildSingleSegment\(seg, null\)\)\n {4}\} else if \(seg\.data\) \{/g,
        '\n    if (seg.data) {',
      ],
    ]);
    return without(out, id, /\bKanjiData\b|isKanjiModeEnabled|getBestModeForData/);
  },
  // Nothing asks for a text's best mode now (see segments.js), nor checks a mode's arguments.
  'mode.js': (code, id) =>
    replaceAll(code, id, [
      [
        /\nexports\.getBestModeForData = function getBestModeForData \(dataStr\) \{\n[\s\S]*?\n\}\n/g,
        '\n',
      ],
      [check('!mode\\.ccBits', "'Invalid mode: ' \\+ mode"), '\n'],
      [check('!VersionCheck\\.isValid\\(version\\)', "'Invalid version: ' \\+ version"), '\n'],
    ]),
  // Only the patterns segments.js matches with: the others (Kanji's, and those of the
  // best-mode tests) are built at load time, which keeps them unless they go.
  'regex.js': (code, id) => {
    const out = replaceAll(code, id, [
      [/^let kanji = [^\n]*(?:\n {2}[^\n]*)*\nkanji = kanji\.replace\([^\n]*\n/gm, ''],
      [/^const byte = [^\n]*\n/gm, ''],
      [/^exports\.(?:KANJI|BYTE) = [^\n]*\n/gm, '', 2],
      [/^const TEST_(?:KANJI|NUMERIC|ALPHANUMERIC) = [^\n]*\n/gm, '', 3],
      [/^exports\.test(\w+) = function test\1 \(str\) \{\n[^\n]*\n\}\n/gm, '', 3],
    ]);
    return without(out, id, /\bkanji\b|\bKANJI\b|\btest[A-Z]\w*|TEST_/);
  },
  'error-correction-code.js': (code, id) => {
    const out = levelMColumn(levelMColumn(code, id, 'EC_BLOCKS_TABLE'), id, 'EC_CODEWORDS_TABLE');
    // The switch over the four levels: M's row, whatever the level.
    return replaceExactly(
      out,
      id,
      /\n {2}switch \(errorCorrectionLevel\) \{\n {4}case ECLevel\.L:\n {6}return (\w+)\[\(version - 1\) \* 4 \+ 0\]\n(?: {4}case ECLevel\.[MQH]:\n {6}return \1\[\(version - 1\) \* 4 \+ [123]\]\n){3} {4}default:\n {6}return undefined\n {2}\}/g,
      '\n  return $1[version - 1]',
      2,
    );
  },
  'version.js': (code, id) =>
    replaceAll(code, id, [
      // Its one caller passes the level create() chose, which from() would hand back as is.
      [
        'const ecl = ECLevel.from(errorCorrectionLevel, ECLevel.M)',
        'const ecl = errorCorrectionLevel',
      ],
      // Versions come from qrcode's own loops over 1 to 40; encoded bits are asked from version 7.
      [check('!VersionCheck\\.isValid\\(version\\)', "'Invalid QR Code version'"), '\n'],
      [
        check(
          '!VersionCheck\\.isValid\\(version\\) \\|\\| version < 7',
          "'Invalid QR Code version'",
        ),
        '\n',
      ],
    ]),
  // The version is one of 1 to 40 (see version.js).
  'utils.js': (code, id) =>
    replaceAll(code, id, [
      [check('!version', `'"version" cannot be null or undefined'`), '\n'],
      [
        check('version < 1 \\|\\| version > 40', `'"version" should be in range from 1 to 40'`),
        '\n',
      ],
    ]),
  // A symbol's size, from 21 up.
  'bit-matrix.js': (code, id) =>
    replaceExactly(
      code,
      id,
      check('!size \\|\\| size < 1', "'BitMatrix size must be defined and greater than 0'"),
      '\n',
    ),
  // Made with a degree (a block's EC codewords, 7 or more), so initialized.
  'reed-solomon-encoder.js': (code, id) =>
    replaceExactly(code, id, check('!this\\.genPoly', "'Encoder not initialized'"), '\n'),
  // segments.js links every node of a segment to every node of the next, from 'start'
  // to 'end' (which 'start' links to when there is no segment): a path always exists.
  'dijkstra.js': (code, id) =>
    replaceExactly(
      code,
      id,
      /\n {4}if \(typeof d !== 'undefined' && typeof costs\[d\] === 'undefined'\) \{\n {6}var msg = \['Could not find a path from ', s, ' to ', d, '\.'\]\.join\(''\);\n {6}throw new Error\(msg\);\n {4}\}\n/g,
      '\n',
    ),
  // The pattern numbers and penalty weights, read through objects, as the numbers they are.
  'mask-pattern.js': (code, id) => {
    const patterns = numbersOf(code, id, 'exports.Patterns');
    const weights = numbersOf(code, id, 'const PenaltyScores');
    const out = replaceAll(code, id, [
      [/exports\.Patterns\.(PATTERN[01]{3})\b/g, (_, name) => numberIn(patterns, name, id), 8],
      ['Object.keys(exports.Patterns).length', String(Object.keys(patterns).length)],
      [/PenaltyScores\.(N[1-4])\b/g, (_, name) => numberIn(weights, name, id), 7],
      // getBestMask() tries the 8 patterns and picks one of them: no other reaches here.
      ["\n\n    default: throw new Error('bad maskPattern:' + maskPattern)", ''],
    ]);
    return without(out, id, /exports\.Patterns\.|PenaltyScores\./);
  },
};

/**
 * The `{ NAME: number, ... }` object `declaration` = of qrcode's source, as text by name.
 * @param {string} code
 * @param {string} id
 * @param {string} declaration `exports.Patterns`, `const PenaltyScores`
 * @returns {Record<string, string>}
 */
function numbersOf(code, id, declaration) {
  const at = code.indexOf(`\n${declaration} = {\n`);
  const body = at < 0 ? null : code.slice(at, code.indexOf('\n}\n', at)).split('{\n')[1];
  const entries = (body ?? '').split(',\n').map((line) => /^ {2}(\w+): (\d+)$/.exec(line));
  if (!body || entries.some((entry) => !entry)) {
    throw new Error(`${id}: ${declaration} is not an object of numbers (has qrcode changed?)`);
  }
  return Object.fromEntries(entries.map((entry) => [entry[1], entry[2]]));
}

/**
 * @param {Record<string, string>} numbers
 * @param {string} name
 * @param {string} id
 * @returns {string}
 */
function numberIn(numbers, name, id) {
  if (!(name in numbers)) throw new Error(`${id}: no ${name} (has qrcode changed?)`);
  return /** @type {string} */ (numbers[name]);
}
