// Packs the CLI on its own: dist-cli/ holds a package with only the bundled dist/cli.js (no dependencies: the
// bundle has them), then `npm pack` writes flux-workbench-cli-<version>.tgz at the repository root.
// Install it with `npm install -g ./flux-workbench-cli-<version>.tgz`; it puts `flux-workbench` on PATH.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'dist-cli');
const dest = process.env.PACK_DESTINATION ?? root;
const cli = path.join(root, 'dist/cli.js');
if (!fs.existsSync(cli)) {
  console.error('dist/cli.js is missing: run npm run build first');
  process.exit(1);
}
const top = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(cli, path.join(out, 'cli.js'));
fs.chmodSync(path.join(out, 'cli.js'), 0o755);
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(out, 'LICENSE'));
fs.writeFileSync(path.join(out, 'README.md'), [
  '# flux-workbench (CLI)',
  '',
  'The command-line half of Flux Workbench: `flux-workbench lint` (the language server\'s diagnostics for a folder',
  'of Flux YAML, for CI), `flux-workbench lsp --stdio`, and the cluster commands (get, reconcile, suspend, resume,',
  'events, check...) over your kubeconfig. Run `flux-workbench --help` for the list.',
  '',
  'Lint and lsp run on Node 20 or newer; the cluster commands need Node 22.',
  '',
].join('\n'));
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({
  name: 'flux-workbench-cli',
  version: top.version,
  description: 'Flux CD linter, language server and cluster CLI (the CLI of Flux Workbench)',
  license: top.license,
  bin: { 'flux-workbench': 'cli.js' },
  files: ['cli.js', 'LICENSE', 'README.md'],
  engines: { node: '>=20' },
}, null, 2)}\n`);
const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', dest], { cwd: out, encoding: 'utf8' }).trim().split('\n').pop();
const size = fs.statSync(path.join(dest, name)).size;
console.log(`packed ${name} (${(size / (1024 * 1024)).toFixed(1)} MB): npm install -g ./${name}`);
