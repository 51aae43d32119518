/**
 * `flux-workbench lint` schema sources through the built CLI: `--schema-from FILE|DIR`, Flux CRDs committed among
 * the linted files (gotk-components.yaml), and `--context` reading a cluster's CRDs (the fixture API server): one
 * CRD list request, nothing else.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { seedFluxInstall } from '../fixture/seed';
import { crdYaml, gitCrd, gitDoc } from '../engine/crd-fixtures';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

const DOC = gitDoc('newInLaterFlux');
const gitCrdYaml = (version: string): string => crdYaml(gitCrd('newInLaterFlux', version));

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, KUBECONFIG: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const unknownField = (stdout: string): number => stdout.split('\n').filter((l) => l.includes('flux/unknown-field')).length;

describe('lint schema sources', () => {
  let dir: string;
  let server: FakeApiServer;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-lint-schema-'));
    fs.mkdirSync(path.join(dir, 'repo', 'apps'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'repo', 'apps', 'git.yaml'), DOC);
    fs.mkdirSync(path.join(dir, 'crds'));
    fs.writeFileSync(path.join(dir, 'crds', 'git.yaml'), gitCrdYaml('v2.9.0'));
    server = await startApiServer();
    seedFluxInstall(server);
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('bundled: the later field is unknown', async () => {
    const r = await run(['lint', path.join(dir, 'repo')]);
    assert.equal(unknownField(r.stdout), 1, r.stdout + r.stderr);
  });

  it('--schema-from DIR and FILE: the CRD judges the files', async () => {
    for (const from of [path.join(dir, 'crds'), path.join(dir, 'crds', 'git.yaml')]) {
      const r = await run(['lint', path.join(dir, 'repo'), '--schema-from', from]);
      assert.equal(unknownField(r.stdout), 0, r.stdout + r.stderr);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
  });

  it('--schema-from with no CRD in it says so and falls back', async () => {
    const r = await run(['lint', path.join(dir, 'repo'), '--schema-from', path.join(dir, 'repo', 'apps')]);
    assert.match(r.stderr, /no CustomResourceDefinition with a schema found/);
    assert.equal(unknownField(r.stdout), 1);
  });

  it('CRDs committed among the linted files (gotk-components.yaml) judge them', async () => {
    const flux = path.join(dir, 'repo', 'flux-system');
    fs.mkdirSync(flux, { recursive: true });
    fs.writeFileSync(path.join(flux, 'gotk-components.yaml'), gitCrdYaml('v2.9.0'));
    try {
      const r = await run(['lint', path.join(dir, 'repo')]);
      assert.equal(unknownField(r.stdout), 0, r.stdout + r.stderr);
    } finally {
      fs.rmSync(flux, { recursive: true, force: true });
    }
  });

  it('--context reads the cluster CRDs with one list request', async () => {
    server.clearRequests();
    const r = await run(['lint', path.join(dir, 'repo'), '--kubeconfig', server.kubeconfigPath, '--context', 'fake']);
    assert.match(r.stderr, /schema: cluster fake, Flux v2\.8\.0 \(\d+ Flux kind\/versions\)/, r.stderr);
    // The fixture's CRDs have an open spec (no properties): they say nothing about the fields, so the bundled
    // schema keeps judging and the field it lacks is still reported (a real Flux CRD lists its fields).
    assert.match(r.stderr, /\(0 Flux kind\/versions\)/, r.stderr);
    assert.equal(unknownField(r.stdout), 1, r.stdout + r.stderr);
    const paths = server.requests.map((q) => `${q.method} ${q.path}`);
    assert.deepEqual(paths.filter((p) => !p.includes('customresourcedefinitions')), [], paths.join('\n'));
    assert.equal(paths.length, 1, paths.join('\n'));
  });

  it('--context against an unreachable cluster fails with exit code 4 and a clear message', async () => {
    const r = await run(['lint', path.join(dir, 'repo'), '--kubeconfig', server.kubeconfigPath, '--context', 'nope']);
    assert.equal(r.status, 4);
    assert.match(r.stderr, /cannot read the cluster's CRDs: .*nope/);
  });
});
