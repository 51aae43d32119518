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
};

await Promise.all([
  // The extension entry stays small so activation is quick: the cluster runtime (client-node and the
  // cluster core) is a separate file that ctx.ts loads with import() when the explorer first connects.
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode', './cluster/runtime'] }),
  build({ ...common, entryPoints: ['client/src/cluster/runtime.ts'], outfile: 'dist/cluster/runtime.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
if (!watch) console.log('built dist/client.js, dist/server.js, dist/cli.js');
