/**
 * `flux-workbench lint` and `graph` with the fleet model, through the built CLI: the bundled fleet example fires
 * each cross-file rule once, SARIF output, --fail-on, and exit 2 for a path that does not exist.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FLEET = path.join('test', 'example', 'fleet');

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Row { file: string; line: number; code: string; severity: string; message: string }

describe('lint with the fleet model (dist/cli.js)', () => {
  it('the fleet example fires every cross-file rule, each once (a cycle on each of its edges)', () => {
    const r = run('lint', FLEET, '--format', 'json');
    assert.equal(r.status, 1, r.stderr);
    const rows = (JSON.parse(r.stdout) as { diagnostics: Row[] }).diagnostics;
    const count = (code: string): number => rows.filter((x) => x.code === code).length;
    const once = ['flux/reference-not-found', 'flux/depends-on-missing', 'flux/path-not-found', 'flux/path-empty', 'flux/kustomize-file-not-found',
      'flux/health-check-not-applied', 'flux/undefined-variable', 'flux/substituted-value', 'flux/secret-unencrypted', 'flux/sops-decryption-missing',
      'flux/git-url-scp', 'flux/git-secret-keys', 'flux/event-source-kind'];
    const notInfo = rows.filter((x) => x.severity !== 'information');
    for (const code of once) assert.equal(notInfo.filter((x) => x.code === code).length, 1, `${code}: ${JSON.stringify(rows.filter((x) => x.code === code))}`);
    assert.equal(count('flux/depends-on-cycle'), 2);
    assert.equal(count('flux/sops-recipients-mismatch'), 2);
    // The parent's patch supplies the HelmRelease's interval.
    assert.equal(count('flux/missing-required'), 0, JSON.stringify(rows.filter((x) => x.code === 'flux/missing-required')));
  });

  it('--format sarif is SARIF 2.1.0 with rule metadata and relative URIs', () => {
    const r = run('lint', FLEET, '--format', 'sarif');
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }> }> }> };
    assert.equal(log.version, '2.1.0');
    const [runOut] = log.runs;
    const rules = runOut!.tool.driver.rules;
    assert.ok(rules.find((x) => x.id === 'flux/depends-on-cycle')?.shortDescription.text.includes('cycle'));
    for (const res of runOut!.results) {
      assert.equal(rules[res.ruleIndex]!.id, res.ruleId);
      const loc = res.locations[0]!.physicalLocation;
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(loc.artifactLocation.uri.startsWith('test/example/fleet/'), loc.artifactLocation.uri);
      assert.ok(loc.region.startLine >= 1);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
    }
  });

  it('--fail-on decides the exit code; a path that does not exist exits 2', () => {
    assert.equal(run('lint', FLEET, '--fail-on', 'never').status, 0);
    const clean = path.join('test', 'example', 'apps', 'podinfo');
    assert.equal(run('lint', clean, '--fail-on', 'warning').status, 0);
    assert.equal(run('lint', path.join(FLEET, 'apps', 'podinfo'), '--fail-on', 'warning').status, 1, 'the undefined variable is a warning');
    const missing = run('lint', 'no/such/dir');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no\/such\/dir: no such file or directory/);
    assert.equal(run('lint', FLEET, 'no/such/dir').status, 2, 'one missing path among real ones is not a silent pass');
  });

  it('graph prints each cluster\'s Kustomizations with the objects they apply and their effective namespaces', () => {
    const r = run('graph', FLEET);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^cluster test\/example\/fleet\/clusters\/staging \(root Kustomization flux-system\/flux-system\)$/m);
    assert.match(r.stdout, /^ {2}Kustomization flux-system\/apps {2}test\/example\/fleet\/apps {2}dependsOn: flux-system\/infra, flux-system\/databases$/m);
    assert.match(r.stdout, /^ {4}HelmRelease podinfo\/podinfo {2}test\/example\/fleet\/apps\/podinfo\/release.yaml$/m);
    // Dependencies come first.
    assert.ok(r.stdout.indexOf('\n  Kustomization flux-system/infra  ') < r.stdout.indexOf('\n  Kustomization flux-system/apps  '));
    const json = JSON.parse(run('graph', FLEET, '--format', 'json').stdout) as { clusters: Array<{ kustomizations: Array<{ name: string; path?: string; pathExists?: boolean }> }> };
    const mon = json.clusters[0]!.kustomizations.find((k) => k.name === 'monitoring');
    assert.equal(mon?.pathExists, false);
    const dot = run('graph', FLEET, '--format', 'dot').stdout;
    assert.match(dot, /^digraph flux \{/);
    assert.match(dot, /"0:Kustomization\/flux-system\/apps" -> "0:Kustomization\/flux-system\/infra" \[style=dashed, label="dependsOn"\];/);
  });
});
