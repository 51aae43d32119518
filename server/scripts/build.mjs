// Bundles the extension client, the language server and the CLI into dist/.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * yaml's parser reads process.env.LOG_TOKENS for every lexical token (and its composer LOG_STREAM for every
 * top-level one), a debugging switch. process.env is an exotic object whose every read goes through the C++
 * environment: on a 134 KB broken file (99,000 tokens) that read was 15 % of the parse. The bundles read each
 * switch once, at load, so setting it still works for a run started with it.
 */
const yamlDebugSwitchesOnce = {
  name: 'yaml-debug-switches-once',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      let n = 0;
      const contents = source.replace(/node_process\.env\.(LOG_TOKENS|LOG_STREAM)\b/g, (_m, name) => { n++; return `__fwYaml${name}`; });
      if (n === 0) throw new Error(`${args.path}: process.env.LOG_TOKENS/LOG_STREAM not found (yaml changed): update ${import.meta.url}`);
      const names = [...new Set([...contents.matchAll(/__fwYaml(LOG_TOKENS|LOG_STREAM)/g)].map((m) => m[1]))];
      return { contents: `${names.map((x) => `var __fwYaml${x} = require('process').env.${x};`).join('\n')}\n${contents}`, loader: 'js' };
    });
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
  plugins: [yamlDebugSwitchesOnce],
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
