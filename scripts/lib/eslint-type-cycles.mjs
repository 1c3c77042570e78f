// `type-cycles/no-type-cycle`, the ESLint rule beside import-x/no-cycle.
// import-x skips `import type` (erased, so no cycle at run time) and has no
// option to count it. A cycle of types still ties two modules into one and
// says the shared types live in the wrong place, so this rule reports a cycle
// back to the linted file that has at least one type-only import in it; the
// cycles of value imports alone stay import-x/no-cycle's, reported once.
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import ts from 'typescript';

const resolver = createTypeScriptImportResolver();

/** file -> its imports as last read, and the modification time they were read at. */
const cache = new Map();

/** Where `source`, imported by `file`, resolves to: our files only, never a package. */
function resolveOurs(source, file) {
  const { found, path } = resolver.resolve(source, file);
  return found && path && !path.includes('/node_modules/') ? path : null;
}

/** The imports and re-exports of a file on disk: `[{ path, typeOnly }]`. */
function importsOf(file) {
  let mtimeMs;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const known = cache.get(file);
  if (known?.mtimeMs === mtimeMs) return known.imports;
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const imports = [];
  for (const statement of source.statements) {
    const edge = edgeOf(statement);
    if (edge === null) continue;
    const path = resolveOurs(edge.source, file);
    if (path !== null) imports.push({ path, typeOnly: edge.typeOnly });
  }
  cache.set(file, { mtimeMs, imports });
  return imports;
}

/** A TypeScript statement's import: its specifier, and whether only types come through it. */
function edgeOf(statement) {
  if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
    const clause = statement.importClause;
    const named = clause?.namedBindings;
    const typeOnly =
      clause !== undefined &&
      (clause.isTypeOnly ||
        (clause.name === undefined &&
          named !== undefined &&
          ts.isNamedImports(named) &&
          named.elements.length > 0 &&
          named.elements.every((element) => element.isTypeOnly)));
    return { source: statement.moduleSpecifier.text, typeOnly };
  }
  if (
    ts.isExportDeclaration(statement) &&
    statement.moduleSpecifier !== undefined &&
    ts.isStringLiteral(statement.moduleSpecifier)
  ) {
    const named = statement.exportClause;
    const typeOnly =
      statement.isTypeOnly ||
      (named !== undefined &&
        ts.isNamedExports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly));
    return { source: statement.moduleSpecifier.text, typeOnly };
  }
  return null;
}

/** The same, read from the linted file's ESTree node (typescript-eslint's `importKind`). */
function typeOnlyNode(node) {
  if (node.type === 'ImportDeclaration') {
    return (
      node.importKind === 'type' ||
      (node.specifiers.length > 0 &&
        node.specifiers.every((specifier) => specifier.importKind === 'type'))
    );
  }
  return (
    node.exportKind === 'type' ||
    (node.type === 'ExportNamedDeclaration' &&
      node.specifiers.length > 0 &&
      node.specifiers.every((specifier) => specifier.exportKind === 'type'))
  );
}

/**
 * The route from `start` back to `file` that passes a type-only import, or
 * null. Breadth first over (file, type import seen yet), so the shortest such
 * route is the one reported.
 */
function typeCycle(file, start, startTypeOnly) {
  const queue = [{ path: start, typeSeen: startTypeOnly, route: [start] }];
  const seen = new Set([`${start}|${startTypeOnly}`]);
  while (queue.length > 0) {
    const { path, typeSeen, route } = queue.shift();
    for (const next of importsOf(path)) {
      const nextTypeSeen = typeSeen || next.typeOnly;
      if (next.path === file) {
        if (nextTypeSeen) return route;
        continue;
      }
      const key = `${next.path}|${nextTypeSeen}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ path: next.path, typeSeen: nextTypeSeen, route: [...route, next.path] });
    }
  }
  return null;
}

const noTypeCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles, counting type-only imports.' },
    schema: [],
    messages: {
      cycle:
        'Import cycle through a type-only import: {{route}} -> back here. Move the shared types so imports go one way.',
    },
  },
  create(context) {
    const file = context.physicalFilename;
    const check = (node) => {
      if (node.source === null || node.source === undefined) return;
      const target = resolveOurs(node.source.value, file);
      if (target === null || target === file) return;
      const route = typeCycle(file, target, typeOnlyNode(node));
      if (route === null) return;
      context.report({
        node,
        messageId: 'cycle',
        data: { route: route.map((path) => relative(context.cwd, path)).join(' -> ') },
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
    };
  },
};

export default { rules: { 'no-type-cycle': noTypeCycle } };
