// Bundles the extension client, the language server and the CLI into dist/.
import { build } from 'esbuild';

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
