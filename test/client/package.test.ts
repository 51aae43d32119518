/**
 * The package keeps its promises: engines.vscode admits only editors whose extension host can run the cluster
 * client (and the runtime guard says so where it cannot), the .vsix holds exactly what the extension loads, the
 * bundles are minified with their maps left out, and the CLI packs on its own and runs from its tarball.
 * Needs dist/ (npm test builds it first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLUSTER_MIN_NODE, clusterRuntimeProblem, olderThan } from '../../client/src/node-guard';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { vscode: string }; icon?: string; repository?: { url?: string }; license: string;
  contributes: { viewsContainers: { activitybar: Array<{ icon: string }> } };
};

/** The Node each VS Code release runs its extension host on (Help > About of each release: Electron's Node). */
const VSCODE_NODE: ReadonlyArray<[string, string]> = [
  ['1.100', '20.19.0'], ['1.101', '22.15.1'], ['1.103', '22.17.0'], ['1.104', '22.18.0'], ['1.105', '22.19.0'], ['1.106', '22.20.0'],
];

test('engines.vscode starts at the first release whose extension host runs the Node the cluster client needs', () => {
  const min = /^\^(\d+\.\d+)\.\d+$/.exec(manifest.engines.vscode)?.[1];
  assert.ok(min, manifest.engines.vscode);
  const i = VSCODE_NODE.findIndex(([v]) => v === min);
  assert.ok(i > 0, `no Node fact for VS Code ${min}`);
  assert.ok(!olderThan(VSCODE_NODE[i]![1], CLUSTER_MIN_NODE), `VS Code ${min} runs Node ${VSCODE_NODE[i]![1]}`);
  // The release before it is too old: the floor is not higher than it needs to be.
  assert.ok(olderThan(VSCODE_NODE[i - 1]![1], CLUSTER_MIN_NODE), `VS Code ${VSCODE_NODE[i - 1]![0]} would do too`);
});

test('the runtime guard refuses an older Node with a message that says what to do, and admits newer ones', () => {
  assert.match(clusterRuntimeProblem('22.18.0')!, /needs Node 22\.19\.0 or newer.*runs Node 22\.18\.0.*update VS Code to 1\.105/);
  assert.ok(clusterRuntimeProblem('v20.19.0'));
  for (const v of ['22.19.0', 'v22.20.1', '24.0.0']) assert.equal(clusterRuntimeProblem(v), undefined, v);
  assert.equal(olderThan('22.9.0', '22.19.0'), true, 'numeric, not textual, comparison');
});

test('the .vsix holds only what the extension loads: no CLI, no source maps, no sources', () => {
  const files = execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
    .split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
  assert.deepEqual(files, [
    'LICENSE', 'README.md', 'dist/client.js', 'dist/cluster/runtime.js', 'dist/deferred.js', 'dist/server.js', 'package.json',
    'resources/flux.svg', 'resources/icon.png', 'snippets/flux.json', 'syntaxes/flux.injection.tmLanguage.json',
  ]);
});

test('the bundles are minified, with their source maps beside them in dist/', () => {
  for (const f of ['client.js', 'server.js', 'cluster/runtime.js', 'deferred.js', 'cli.js']) {
    const text = fs.readFileSync(path.join(root, 'dist', f), 'utf8');
    // An unminified esbuild bundle names each module in a `// path/to/file.ts` comment line; a minified one does not.
    assert.doesNotMatch(text, /^\/\/ (server|client)\/src\/.*\.ts$/m, `${f}: not minified`);
    assert.match(text, /\/\/# sourceMappingURL=/, `${f}: links its map`);
    assert.ok(fs.existsSync(path.join(root, 'dist', `${f}.map`)), `${f}.map`);
  }
});

test('LICENSE, the product icon and the activity-bar icon are the project\'s own files; no placeholder repository', () => {
  assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License/);
  assert.equal(manifest.license, 'MIT');
  const png = fs.readFileSync(path.join(root, manifest.icon ?? 'missing'));
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  const svg = fs.readFileSync(path.join(root, manifest.contributes.viewsContainers.activitybar[0]!.icon), 'utf8');
  assert.match(svg, /stroke="currentColor"/, 'the activity-bar icon follows the theme colour');
  assert.ok(!/example\.invalid/.test(manifest.repository?.url ?? ''), 'placeholder repository URL');
});

test('the CLI packs on its own and runs from its tarball', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-cli-pack-'));
  try {
    const out = execFileSync(process.execPath, [path.join(root, 'server/scripts/pack-cli.mjs')], {
      cwd: root, encoding: 'utf8', env: { ...process.env, PACK_DESTINATION: tmp },
    });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, out);
    const listing = execFileSync('tar', ['-tzf', path.join(tmp, tgz)], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    assert.deepEqual(listing, ['package/LICENSE', 'package/README.md', 'package/cli.js', 'package/package.json']);
    execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp]);
    const pkg = JSON.parse(fs.readFileSync(path.join(tmp, 'package/package.json'), 'utf8')) as { bin: Record<string, string>; dependencies?: unknown };
    assert.deepEqual(pkg.bin, { 'flux-workbench': 'cli.js' });
    assert.equal(pkg.dependencies, undefined, 'the bundle needs no dependencies');
    // Lint the example from the unpacked tarball: its deliberate mistakes make it exit 1 with diagnostics.
    let code = 0;
    let stdout = '';
    try {
      stdout = execFileSync(process.execPath, [path.join(tmp, 'package/cli.js'), 'lint', path.join(root, 'test/example')], { encoding: 'utf8' });
    } catch (err) {
      const e = err as { status: number; stdout: string };
      code = e.status;
      stdout = e.stdout;
    }
    assert.equal(code, 1);
    assert.match(stdout, /flux\/unknown-field/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
