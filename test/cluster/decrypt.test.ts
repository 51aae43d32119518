/**
 * The decrypt-check, offline and live against the fixture API server, one test per report line, plus
 * the security canaries: a secret value, an age private key and a PGP private key must never appear in
 * any output, report, error or file the check writes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addKustomization, seedFluxInstall } from '../fixture/seed';
import { makeSopsFile, newAgeKey, newPgpKey, secretDoc, type AgeKeyPair, type PgpKeyPair } from '../fixture/sops-files';
import { classifySecretKeys, decryptCheck, formatDecryptReport, type DecryptReport, wrongSuffix } from '../../server/src/cluster/decrypt';
import { kustomizationsApplying } from '../../server/src/cluster/decrypt/workspace';
import { runDecryptCheckCommand } from '../../server/src/cli/decrypt-command';
import { main } from '../../server/src/cli/main';
import { clusterAccessFor } from '../../server/src/cli/cluster-commands';

// Made at run time, so that no file (this test's own source in a clone under the temp folder) holds it by chance.
const CANARY = `CANARY-${randomBytes(8).toString('hex')}-do-not-print`;

function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  let t = '';
  const stream = { write: (c: string | Uint8Array) => { t += String(c); return true; } } as unknown as NodeJS.WritableStream;
  return { stream, text: () => t };
}

function ks(name: string, p: string, decryption?: string | null): string {
  const dec = decryption === undefined ? '' : decryption === null ? '  decryption:\n    provider: sops\n' : `  decryption:\n    provider: sops\n    secretRef:\n      name: ${decryption}\n`;
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${p}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${dec}`;
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

function findingsOf(r: DecryptReport, file: string): string[] {
  return (r.files.find((f) => f.file === file)?.findings ?? []).map((x) => x.code);
}

/** Every file under a dir, for the canary scan. */
function allFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[] = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; /* unreadable folder of another user */ }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p)); else out.push(p);
  }
  return out;
}

describe('decrypt-check', () => {
  let root: string;
  let home: string;
  let server: FakeApiServer;
  let clusterKey: AgeKeyPair;
  let localKey: AgeKeyPair;
  let otherKey: AgeKeyPair;
  let pgp: PgpKeyPair;
  const outputs: string[] = [];
  const noLocal = (): { env: NodeJS.ProcessEnv; home: string } => ({ env: {}, home });

  before(async () => {
    [clusterKey, localKey, otherKey, pgp] = await Promise.all([newAgeKey(), newAgeKey(), newAgeKey(), newPgpKey()]);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-decrypt-ws-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-decrypt-home-'));
    const doc = secretDoc('db', 'apps', { password: CANARY });
    const re = '^(data|stringData)$';
    write(root, 'clusters/prod/flux-system/ks.yaml', [
      ks('good', './apps/good', 'sops-age'), ks('nocfg', './apps/nocfg'), ks('nosecret', './apps/nosecret', 'missing-secret'),
      ks('wrongkey', './apps/wrongkey', 'sops-age'), ks('suffix', './apps/suffix', 'sops-suffix'), ks('pgp', './apps/pgp', 'sops-gpg'),
      ks('failing', './apps/failing', 'sops-age'),
    ].join('---\n'));
    write(root, 'apps/good/secret.yaml', await makeSopsFile(doc, { age: [clusterKey.recipient, localKey.recipient], encryptedRegex: re }));
    write(root, 'apps/nocfg/secret.yaml', await makeSopsFile(doc, { age: [clusterKey.recipient], encryptedRegex: re }));
    write(root, 'apps/nosecret/secret.yaml', await makeSopsFile(doc, { age: [clusterKey.recipient], encryptedRegex: re }));
    write(root, 'apps/wrongkey/secret.yaml', await makeSopsFile(doc, { age: [otherKey.recipient], encryptedRegex: re }));
    write(root, 'apps/suffix/secret.yaml', await makeSopsFile(doc, { age: [clusterKey.recipient], encryptedRegex: re }));
    write(root, 'apps/pgp/secret.yaml', await makeSopsFile(doc, { pgp: [pgp.publicKey], encryptedRegex: re }));
    write(root, 'apps/failing/secret.yaml', await makeSopsFile(doc, { age: [clusterKey.recipient], encryptedRegex: re }));
    write(root, 'apps/failing/tampered.yaml', await makeSopsFile(doc, { age: [localKey.recipient], encryptedRegex: re, corruptMac: true }));
    write(root, 'apps/good/app.env', await makeSopsFile({ TOKEN: CANARY }, { format: 'dotenv', age: [localKey.recipient] }));
    write(root, 'loose/secret.json', await makeSopsFile({ token: CANARY }, { format: 'json', age: [localKey.recipient] }));
    write(root, '.sops.yaml', `creation_rules:\n  - path_regex: apps/wrongkey/.*\\.yaml$\n    encrypted_regex: ${re}\n    age: ${clusterKey.recipient}\n  - path_regex: .*\n    encrypted_regex: ${re}\n    age: ${clusterKey.recipient},${localKey.recipient}\n`);
    write(home, '.config/sops/age/keys.txt', `# created: 2026-12-01\n# public key: ${localKey.recipient}\n${localKey.identity}\n`);

    server = await startApiServer();
    seedFluxInstall(server, { controllers: ['kustomize-controller'] });
    for (const [name, p] of [['good', './apps/good'], ['nocfg', './apps/nocfg'], ['nosecret', './apps/nosecret'], ['wrongkey', './apps/wrongkey'], ['suffix', './apps/suffix'], ['pgp', './apps/pgp']] as const) {
      const secret = { nocfg: undefined, nosecret: 'missing-secret', suffix: 'sops-suffix', pgp: 'sops-gpg' }[name as string] ?? 'sops-age';
      addKustomization(server, { name, namespace: 'flux-system', path: p, spec: name === 'nocfg' ? {} : { decryption: { provider: 'sops', secretRef: { name: secret } } } });
    }
    addKustomization(server, { name: 'failing', namespace: 'flux-system', path: './apps/failing', spec: { decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } }, status: { failed: 'BuildFailed', message: 'decryption failed for \'db\': failed to decrypt: Failed to get the data key required to decrypt the SOPS file' } });
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    server.upsert({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age', namespace: 'flux-system' }, type: 'Opaque', data: { 'age.agekey': b64(`${clusterKey.identity}\n`) } });
    server.upsert({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-suffix', namespace: 'flux-system' }, type: 'Opaque', data: { 'age.key': b64(clusterKey.identity), 'sops.gcp-kms.json': b64('{}') } });
    server.upsert({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-gpg', namespace: 'flux-system' }, type: 'Opaque', data: { 'sops.asc': b64(pgp.privateKey) } });
    const kpod = (server.list({ apiVersion: 'v1', kind: 'Pod' }, 'flux-system')[0]).metadata.name;
    server.appendLog('flux-system', kpod, JSON.stringify({ level: 'error', ts: new Date().toISOString(), msg: 'Reconciliation failed after 1s, next try in 10m', controllerKind: 'Kustomization', name: 'failing', namespace: 'flux-system', error: 'decryption failed: failed to decrypt with sops: no identity matched any of the recipients' }));
  });
  after(async () => {
    await server.close();
    const leak = [root, home, os.tmpdir()].flatMap((d) => { try { return allFiles(d); } catch { return []; } })
      .filter((f) => !f.startsWith(root) && !f.startsWith(home) && !/[/\\]tsx-[^/\\]*[/\\]/.test(f)) // tsx's compile cache holds this test's own source
      .filter((f) => { try { const st = fs.statSync(f); return st.isFile() && st.size < 1_000_000 && st.mtimeMs > Date.now() - 600_000; } catch { return false; } })
      .filter((f) => { try { const t = fs.readFileSync(f, 'utf8'); return t.includes(CANARY) || t.includes(localKey.identity) || t.includes(clusterKey.identity); } catch { return false; } });
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
    assert.deepEqual(leak, [], `no file outside the test workspace may hold a canary: ${leak.join(', ')}`);
  });

  test('mapping: a file belongs to the Kustomizations whose spec.path contains it', () => {
    const k = (name: string, p: string) => ({ key: { kind: 'Kustomization', namespace: 'flux-system', name }, path: p });
    const list = [k('root', ''), k('apps', 'apps'), k('good', 'apps/good'), k('goodx', 'apps/goodx')];
    assert.deepEqual(kustomizationsApplying(list, './apps/good/s.yaml').map((x) => x.key.name), ['root', 'apps', 'good']);
  });

  test('offline with no local key at all: the report says no key was found where it looked, not "0 identities" in a file', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-nokey-'));
    try {
      const r = await decryptCheck({ root, identitySources: { env: {}, home: empty } });
      const msg = r.files.find((f) => f.file === 'apps/good/secret.yaml')!.findings.find((x) => x.code === 'sops/local-no-key')!.message;
      assert.match(msg, /not verified locally: you have no local age identity \(looked at .*keys\.txt \(not found\)\)/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('offline: not configured, not applied, local identity really decrypts, MAC mismatch, .sops.yaml rules', async () => {
    const r = await decryptCheck({ root, identitySources: { env: {}, home } });
    outputs.push(formatDecryptReport(r), JSON.stringify(r));
    assert.equal(r.live, false);
    assert.ok(findingsOf(r, 'apps/nocfg/secret.yaml').includes('sops/decryption-not-configured'));
    assert.match(r.files.find((f) => f.file === 'apps/nocfg/secret.yaml')!.findings[0].message, /Kustomization flux-system\/nocfg that applies it \(spec.path 'apps\/nocfg'\) does not set spec.decryption.provider: sops/);
    assert.ok(findingsOf(r, 'loose/secret.json').includes('sops/not-applied'));
    const good = r.files.find((f) => f.file === 'apps/good/secret.yaml')!;
    const local = good.findings.find((x) => x.code === 'sops/local-can-decrypt');
    assert.ok(local, 'the local identity unwraps the data key');
    assert.match(local.message, /keys\.txt decrypts it \(age age1.*MAC verified/);
    assert.ok(findingsOf(r, 'apps/good/app.env').includes('sops/local-can-decrypt'), 'dotenv MAC verified too');
    assert.ok(findingsOf(r, 'loose/secret.json').includes('sops/local-can-decrypt'), 'JSON MAC verified too');
    assert.ok(findingsOf(r, 'apps/failing/tampered.yaml').includes('sops/mac-mismatch'));
    assert.ok(findingsOf(r, 'apps/wrongkey/secret.yaml').includes('sops/local-no-key'));
    assert.match(r.files.find((f) => f.file === 'apps/wrongkey/secret.yaml')!.findings.find((x) => x.code === 'sops/local-no-key')!.message, /none of your 1 local age identity \(.*keys\.txt\) matches/);
    const rule = r.files.find((f) => f.file === 'apps/wrongkey/secret.yaml')!.findings.filter((x) => x.code === 'sops/creation-rule');
    assert.equal(rule.length, 2, 'missing cluster recipient and extra other recipient');
    assert.ok(!findingsOf(r, 'apps/good/secret.yaml').includes('sops/creation-rule'));
    assert.equal(r.ok, false);
  });

  test('live: every report line', async () => {
    const { conn, context } = clusterAccessFor({ kubeconfig: server.kubeconfigPath, context: 'fake' });
    const r = await decryptCheck({ root, cluster: { conn, context }, identitySources: noLocal() });
    const text = formatDecryptReport(r);
    outputs.push(text, JSON.stringify(r));
    assert.equal(r.live, true);
    const can = r.files.find((f) => f.file === 'apps/good/secret.yaml')!.findings.find((x) => x.code === 'sops/cluster-can-decrypt');
    assert.match(can?.message ?? '', /Kustomization flux-system\/good can decrypt apps\/good\/secret.yaml with key age.agekey \(age age1.*MAC verified\) from Secret flux-system\/sops-age/);
    const pgpOk = r.files.find((f) => f.file === 'apps/pgp/secret.yaml')!.findings.find((x) => x.code === 'sops/cluster-can-decrypt');
    assert.match(pgpOk?.message ?? '', new RegExp(`sops.asc \\(pgp ${pgp.fingerprint}`));
    const nomatch = r.files.find((f) => f.file === 'apps/wrongkey/secret.yaml')!.findings.find((x) => x.code === 'sops/no-matching-key');
    assert.ok(nomatch);
    assert.ok(nomatch.message.includes(`the file wants age:${otherKey.recipient}`));
    assert.ok(nomatch.message.includes(`Secret flux-system/sops-age has age ${clusterKey.recipient} (age.agekey)`));
    assert.ok(findingsOf(r, 'apps/nocfg/secret.yaml').includes('sops/decryption-not-configured'));
    const missing = r.files.find((f) => f.file === 'apps/nosecret/secret.yaml')!.findings.find((x) => x.code === 'sops/secret-missing');
    assert.match(missing?.message ?? '', /Secret flux-system\/missing-secret, named in spec.decryption.secretRef of Kustomization flux-system\/nosecret, does not exist/);
    const suffix = r.files.find((f) => f.file === 'apps/suffix/secret.yaml')!.findings.filter((x) => x.code === 'sops/key-name-suffix').map((x) => x.message);
    assert.equal(suffix.length, 2);
    assert.ok(suffix.some((m) => m.includes("key 'age.key'") && m.includes("rename it to 'age.agekey'")));
    assert.ok(suffix.some((m) => m.includes("key 'sops.gcp-kms.json'") && m.includes("rename it to 'sops.gcp-kms'")));
    assert.ok(findingsOf(r, 'apps/suffix/secret.yaml').includes('sops/no-matching-key'), 'a wrongly named key is not used');
    const failing = r.files.find((f) => f.file === 'apps/failing/secret.yaml')!.findings.filter((x) => x.code === 'sops/cluster-failure').map((x) => x.message);
    assert.ok(failing.some((m) => /Ready condition\): decryption failed for 'db': failed to decrypt/.test(m)));
    assert.ok(failing.some((m) => /kustomize-controller log\): .*no identity matched any of the recipients/.test(m)));
    assert.equal(r.ok, false);
  });

  test('CLI: exit 1 when a file cannot be decrypted where applied, 0 when all can; JSON output; nothing to check', async () => {
    const out = sink(); const err = sink();
    const code = await runDecryptCheckCommand([root, '--kubeconfig', server.kubeconfigPath, '--context', 'fake', '--format', 'json'], { stdout: out.stream, stderr: err.stream });
    outputs.push(out.text(), err.text());
    assert.equal(code, 1);
    const json = JSON.parse(out.text()) as { files: { file: string; decryptableWhereApplied: boolean }[]; live: boolean };
    assert.equal(json.live, true);
    assert.equal(json.files.find((f) => f.file === 'apps/good/secret.yaml')?.decryptableWhereApplied, true);

    const okRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-decrypt-ok-'));
    try {
      write(okRoot, 'ks.yaml', ks('good', './apps/good', 'sops-age'));
      fs.mkdirSync(path.join(okRoot, 'apps/good'), { recursive: true });
      fs.copyFileSync(path.join(root, 'apps/good/secret.yaml'), path.join(okRoot, 'apps/good/secret.yaml'));
      const o2 = sink(); const e2 = sink();
      assert.equal(await main(['decrypt-check', okRoot, '--kubeconfig', server.kubeconfigPath, '--context', 'fake'], { stdout: o2.stream as typeof process.stdout, stderr: e2.stream as typeof process.stderr }), 0);
      outputs.push(o2.text(), e2.text());
      assert.match(o2.text(), /1 encrypted file\(s\): every one can be decrypted where it is applied/);
      const o3 = sink();
      assert.equal(await runDecryptCheckCommand([path.join(okRoot, 'apps', 'nothing-here'), '--offline'], { stdout: o3.stream, stderr: sink().stream }), 2);
      fs.rmSync(path.join(okRoot, 'apps'), { recursive: true });
      assert.equal(await runDecryptCheckCommand([okRoot, '--offline'], { stdout: o3.stream, stderr: sink().stream }), 0);
      assert.match(o3.text(), /no SOPS-encrypted files found .*: nothing to check/);
    } finally {
      fs.rmSync(okRoot, { recursive: true, force: true });
    }
    const e4 = sink();
    assert.equal(await runDecryptCheckCommand([root, '--kubeconfig', path.join(root, 'nope')], { stdout: sink().stream, stderr: e4.stream }), 4);
    assert.equal(await runDecryptCheckCommand([root, '--format', 'xml'], { stdout: sink().stream, stderr: sink().stream }), 2);
  });

  test('secret key names: suffix rules of kustomize-controller', () => {
    assert.equal(wrongSuffix('age.key'), 'age.agekey');
    assert.equal(wrongSuffix('keys.txt'), undefined);
    assert.equal(wrongSuffix('sops.gcp-kms.json'), 'sops.gcp-kms');
    assert.equal(wrongSuffix('identity.agekey'), undefined);
    assert.equal(wrongSuffix('private.gpg'), 'private.asc');
    assert.deepEqual(classifySecretKeys(['a.agekey', 'b.asc', 'sops.aws-kms', 'age.txt', 'other']).wrong, [{ name: 'age.txt', want: 'age.agekey' }]);
  });

  test('canaries: no secret value or private key in any output, report or error', async () => {
    const ring = await import('../../server/src/cluster/decrypt/keys');
    const kr = new ring.KeyRing();
    await kr.addAgeIdentities(`${localKey.identity}\nnot-a-key ${CANARY}\n`, 'test');
    await kr.addPgpKeys(`garbage ${CANARY}`, 'test.asc');
    outputs.push(JSON.stringify(kr), JSON.stringify(kr.unreadable));
    const pgpBody = pgp.privateKey.split('\n').filter((l) => l.length > 40)[1];
    assert.ok(outputs.length >= 8);
    for (const o of outputs) {
      assert.ok(!o.includes(CANARY), 'secret value leaked');
      assert.ok(!o.includes(localKey.identity) && !o.includes(clusterKey.identity) && !o.includes(otherKey.identity), 'age private key leaked');
      assert.ok(!o.includes(pgpBody), 'PGP private key leaked');
      assert.ok(!/AGE-SECRET-KEY-1[0-9A-Z]{10}/.test(o), 'no age identity text at all');
    }
  });
});

test('the bundled CLI (dist/cli.js) runs decrypt-check: ESM-only crypto dependencies load in the CJS bundle', { skip: fs.existsSync(path.join(__dirname, '../../dist/cli.js')) ? false : 'dist/cli.js not built (npm test builds it first)' }, async () => {
  const { execFileSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-decrypt-dist-'));
  try {
    const key = await newAgeKey();
    write(dir, 'ks.yaml', ks('apps', './apps', 'sops-age'));
    write(dir, 'apps/secret.yaml', await makeSopsFile(secretDoc('db', 'apps', { password: CANARY }), { age: [key.recipient] }));
    write(dir, 'keys.txt', `${key.identity}\n`);
    const out = execFileSync(process.execPath, [path.join(__dirname, '../../dist/cli.js'), 'decrypt-check', dir, '--offline', '--format', 'json'], {
      env: { ...process.env, SOPS_AGE_KEY_FILE: path.join(dir, 'keys.txt'), XDG_CONFIG_HOME: dir }, encoding: 'utf8',
    });
    const r = JSON.parse(out) as { ok: boolean; files: { findings: { code: string }[] }[] };
    assert.equal(r.ok, true);
    assert.ok(r.files[0].findings.some((f) => f.code === 'sops/local-can-decrypt'), 'the bundle really unwraps the data key (age) and verifies the MAC');
    assert.ok(!out.includes(CANARY) && !out.includes(key.identity));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
