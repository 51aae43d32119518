// Bundles the extension client, the language server and the CLI into dist/.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * Rewrites of yaml's per-token, per-scalar and per-alias code, for the parse's speed. Each throws when its pattern is
 * gone (a yaml upgrade changed the file), so that the build fails instead of silently losing the gain.
 * - yaml's parser reads process.env.LOG_TOKENS for every lexical token (and its composer LOG_STREAM for every
 *   top-level one), a debugging switch. process.env is an exotic object whose every read goes through the C++
 *   environment: on a 134 KB broken file (99,000 tokens) that read was 15 % of the parse. The bundles read each
 *   switch once, at load, so setting it still works for a run started with it.
 * - resolveFlowScalar makes a closure named `_onError` for every plain or quoted scalar. With keepNames (which
 *   openpgp needs: it reads constructor names) esbuild gives each such closure its name with
 *   Object.defineProperty, once per scalar: 12-20 % of the composition of a 190 KB document. The closure is made
 *   by a helper instead, which returns it unnamed.
 */
const YAML_REWRITES = [
  {
    file: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/,
    what: 'process.env.LOG_TOKENS/LOG_STREAM',
    apply(source) {
      let n = 0;
      const contents = source.replace(/node_process\.env\.(LOG_TOKENS|LOG_STREAM)\b/g, (_m, name) => { n++; return `__fwYaml${name}`; });
      if (n === 0) return undefined;
      const names = [...new Set([...contents.matchAll(/__fwYaml(LOG_TOKENS|LOG_STREAM)/g)].map((m) => m[1]))];
      return `${names.map((x) => `var __fwYaml${x} = require('process').env.${x};`).join('\n')}\n${contents}`;
    },
  },
  {
    file: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/]compose[\\/]resolve-flow-scalar\.js$/,
    what: 'resolveFlowScalar\'s `_onError` closure',
    apply(source) {
      const closure = 'const _onError = (rel, code, msg) => onError(offset + rel, code, msg);';
      if (!source.includes(closure)) return undefined;
      return `${source.replace(closure, 'const _onError = __fwYamlRelativeOnError(onError, offset);')}
function __fwYamlRelativeOnError(onError, offset) {
    return (rel, code, msg) => onError(offset + rel, code, msg);
}
`;
    },
  },
  {
    file: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/]nodes[\\/]Alias\.js$/,
    what: 'getAliasCount\'s alias resolution',
    apply(source) {
      // getAliasCount (the alias-bomb guard of toJS) resolves each alias inside an anchored node with
      // resolve(doc) and no context: a visit of the whole document each time, so an 84 KB document with a few
      // dozen such aliases took 120 ms. It is given the list of anchors and aliases that resolve() has just
      // built for the same document instead, and looks the anchor up in it the way resolve() does.
      const edits = [
        ['data.aliasCount = getAliasCount(doc, found, anchors);', 'data.aliasCount = getAliasCount(doc, found, anchors, nodes);'],
        ['function getAliasCount(doc, node, anchors) {', 'function getAliasCount(doc, node, anchors, nodes) {'],
        ['const source = node.resolve(doc);', 'const source = nodes ? __fwYamlAnchorOf(node, nodes) : node.resolve(doc);'],
        ['const c = getAliasCount(doc, item, anchors);', 'const c = getAliasCount(doc, item, anchors, nodes);'],
        ['const kc = getAliasCount(doc, node.key, anchors);', 'const kc = getAliasCount(doc, node.key, anchors, nodes);'],
        ['const vc = getAliasCount(doc, node.value, anchors);', 'const vc = getAliasCount(doc, node.value, anchors, nodes);'],
      ];
      let out = source;
      for (const [from, to] of edits) {
        if (out.split(from).length !== 2) return undefined;
        out = out.replace(from, to);
      }
      return `${out}
function __fwYamlAnchorOf(alias, nodes) {
    let found = undefined;
    for (const node of nodes) {
        if (node === alias)
            break;
        if (node.anchor === alias.source)
            found = node;
    }
    return found;
}
`;
    },
  },
];

const yamlHotPaths = {
  name: 'yaml-hot-paths',
  setup(b) {
    for (const rw of YAML_REWRITES) {
      b.onLoad({ filter: rw.file }, async (args) => {
        const contents = rw.apply(await readFile(args.path, 'utf8'));
        if (contents === undefined) throw new Error(`${args.path}: ${rw.what} not found (yaml changed): update ${import.meta.url}`);
        return { contents, loader: 'js' };
      });
    }
  },
};

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // Source maps sit beside the bundles in dist/ (for stack traces while developing); .vscodeignore keeps them out
  // of the .vsix. Bundles are minified (FW_MINIFY=0 turns it off); keepNames keeps class and function names in
  // error messages and stack traces.
  sourcemap: true,
  logLevel: 'warning',
  minify: process.env.FW_MINIFY !== '0',
  keepNames: true,
  // ESM-only dependencies (openpgp's node build) call createRequire(import.meta.url): give the CJS bundles a value.
  define: { 'import.meta.url': '__fwImportMetaUrl' },
  banner: { js: 'var __fwImportMetaUrl = require("url").pathToFileURL(__filename).href;' },
  plugins: [yamlHotPaths],
};

await Promise.all([
  // The extension entry stays small so activation is quick: the cluster runtime (client-node and the
  // cluster core) is a separate file that ctx.ts loads with require() when the explorer first connects, and the
  // language client and the workspace index another (client/src/deferred.ts), loaded after activate() returns.
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode', './cluster/runtime', './deferred'] }),
  build({ ...common, entryPoints: ['client/src/deferred.ts'], outfile: 'dist/deferred.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['client/src/cluster/runtime.ts'], outfile: 'dist/cluster/runtime.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } }),
]);
if (!watch) console.log('built dist/client.js, dist/server.js, dist/cli.js');
