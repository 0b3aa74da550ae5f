// local/layer-imports: which engine folder may import which, as a table (in
// the style of VS Code's code-import-patterns). Each folder of electron/ names
// the folders it may import; a file may be given more, with the reason. The
// table lives in eslint.config.mjs; every folder README's "May import" line
// says the same, and a test keeps the two equal.
import { dirname, relative, resolve, sep } from 'node:path';

/** The folder of electron/ a path is in, or null (outside electron/, or a shell file directly in it). */
function layerOf(root, file) {
  const rel = relative(resolve(root, 'electron'), file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : null;
}

export const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each engine folder to the imports its README and the layer table allow.' },
    schema: [{ type: 'object', additionalProperties: true }],
    messages: {
      crossing:
        "electron/{{from}}/ may not import electron/{{to}}/ (allowed: {{allowed}}). Move the code, go through a port, or add the folder to the layer table in eslint.config.mjs with the reason.",
      unknownLayer: 'electron/{{from}}/ has no row in the layer table in eslint.config.mjs; add one (and a README with its "May import" line).',
    },
  },
  create(context) {
    const { layers = {}, files = {} } = context.options[0] ?? {};
    const root = context.cwd;
    const file = context.filename;
    const from = layerOf(root, file);
    if (from === null) return {};
    const row = layers[from];
    const fileRow = files[relative(root, file).split(sep).join('/')];
    const allowed = new Set([...(row ?? []), ...(fileRow?.allow ?? [])]);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(root, resolve(dirname(file), source));
      if (to === null || to === from) return;
      if (!row) return context.report({ node, messageId: 'unknownLayer', data: { from } });
      if (!allowed.has(to)) context.report({ node, messageId: 'crossing', data: { from, to, allowed: [...allowed].join(', ') || 'no other folder' } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
