/**
 * The client's Show Logs / Change Log Filter / Stop Following Logs and Check Decryption commands, through
 * activate() with the fake vscode module against the fixture API server.
 */
import './fake-vscode';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extensionContext, setSetting, state, workspace } from './fake-vscode';
import { activate, deactivate } from '../../client/src/extension';
import { channelText, noticeLine } from '../../client/src/commands/logs';
import { parseLogLine } from '../../server/src/cluster/logs/parse';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addGitRepository, addKustomization, seedFluxInstall } from '../fixture/seed';
import { makeSopsFile, newAgeKey, secretDoc } from '../fixture/sops-files';

let server: FakeApiServer;
let ext: ReturnType<typeof extensionContext>;
let pods: Record<string, string>;
let root: string;
const CANARY = 'CANARY-client-value-91c2';

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const channel = (): { text: string; calls?: number } => state.channels.get('Flux Workbench: Controller Logs') ?? { text: '' };
const cmd = (name: string) => state.commands.get(`fluxWorkbench.${name}`)!;

before(async () => {
  server = await startApiServer();
  pods = seedFluxInstall(server, { controllers: ['source-controller', 'kustomize-controller'], startupLogs: false }).pods;
  addGitRepository(server, { namespace: 'flux-system', name: 'repo' });
  addKustomization(server, { namespace: 'flux-system', name: 'apps', path: './apps', sourceRef: { kind: 'GitRepository', name: 'repo' }, spec: { decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } } });
  const key = await newAgeKey();
  server.upsert({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age', namespace: 'flux-system' }, data: { 'age.agekey': Buffer.from(key.identity).toString('base64') } });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-client-decrypt-'));
  fs.mkdirSync(path.join(root, 'apps'));
  fs.writeFileSync(path.join(root, 'apps', 'secret.yaml'), await makeSopsFile(secretDoc('db', 'apps', { password: CANARY }), { age: [key.recipient], encryptedRegex: '^(data|stringData)$' }));
  fs.writeFileSync(path.join(root, 'apps', 'other.yaml'), await makeSopsFile(secretDoc('x', 'apps', { password: CANARY }), { age: [(await newAgeKey()).recipient] }));
  (workspace as { workspaceFolders: unknown }).workspaceFolders = [{ uri: { fsPath: root, toString: () => `file://${root}` }, name: 'repo', index: 0 }];
  setSetting('fluxWorkbench.kubeconfig', server.kubeconfigPath);
  setSetting('fluxWorkbench.logs.tailLines', 50);
  ext = extensionContext();
  activate(ext as never);
});

after(async () => {
  await cmd('stopLogs')();
  await deactivate();
  for (const d of ext.subscriptions) d.dispose();
  await server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test('channelText: one text per batch, each line ended; noticeLine in the entries\' time-level shape', () => {
  assert.equal(channelText([]), '');
  assert.equal(channelText(['a', 'b']), 'a\nb\n');
  assert.equal(noticeLine('warn', 'reconnecting', new Date('2026-12-01T12:00:00Z')), '2026-12-01T12:00:00.000Z warn reconnecting');
});

test('Show Logs on a Kustomization follows its controller and its source\'s, batched; filter changes; stop', async () => {
  const ns = 'flux-system';
  const ts = (i: number) => new Date(Date.parse('2026-12-01T12:00:00Z') + i);
  for (let i = 0; i < 200; i++) {
    server.appendLog(ns, pods['kustomize-controller'], JSON.stringify({ level: 'info', ts: ts(i).toISOString(), msg: `applied ${i}`, controllerKind: 'Kustomization', name: 'apps', namespace: ns }), 'manager', ts(i));
  }
  server.appendLog(ns, pods['kustomize-controller'], JSON.stringify({ level: 'info', ts: ts(300).toISOString(), msg: 'other object', controllerKind: 'Kustomization', name: 'other', namespace: ns }), 'manager', ts(300));
  server.appendLog(ns, pods['source-controller'], JSON.stringify({ level: 'error', ts: ts(400).toISOString(), msg: 'fetch failed', controllerKind: 'GitRepository', name: 'repo', namespace: ns }), 'manager', ts(400));
  await cmd('showLogs')({ key: { kind: 'Kustomization', namespace: ns, name: 'apps' } });
  await until('the tail lines', () => channel().text.includes('fetch failed') && channel().text.includes('applied 199'));
  assert.ok(!channel().text.includes('applied 149'), 'tailLines 50 per controller');
  assert.ok(!channel().text.includes('other object'), 'filtered to the object and its source');
  assert.ok((channel().calls ?? 0) < 20, `batched: ${channel().calls} channel calls for 51 lines`);
  assert.match(channel().text, /^2026-12-01T12:00:00\.400Z error .*GitRepository flux-system\/repo fetch failed$/m);
  // Every line has the same shape: its own time first, then its level (no channel stamp on some lines only).
  for (const line of channel().text.split('\n').filter(Boolean)) assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z (info|warn|error|debug) /, line);
  // change the filter while following: level error only
  state.quickPicks.push((items) => (items as Array<{ key: string }>).find((i) => i.key === 'level'));
  state.inputBoxes.push('error');
  await cmd('changeLogFilter')();
  assert.ok(!channel().text.includes('applied 199'));
  assert.ok(channel().text.includes('fetch failed'));
  server.appendLog(ns, pods['kustomize-controller'], JSON.stringify({ level: 'error', ts: new Date().toISOString(), msg: 'new failure', controllerKind: 'Kustomization', name: 'apps', namespace: ns }));
  await until('a new error line', () => channel().text.includes('new failure'));
  await cmd('stopLogs')();
  assert.match(channel().text, /stopped/);
  await cmd('stopLogs')();
  assert.match(state.messages.at(-1)?.text ?? '', /no controller log is being followed/);
});

test('a context switch stops the log tail', async () => {
  await cmd('showLogs')({ key: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } });
  await until('following', () => /following/.test(channel().text));
  server.addContext({ name: 'second' });
  state.quickPicks.push((items) => (items as Array<{ name: string }>).find((i) => i.name === 'second'));
  await cmd('selectContext')();
  await until('stopped on switch', () => /stopped \(the Kubernetes context changed\)/.test(channel().text));
  state.quickPicks.push((items) => (items as Array<{ name: string }>).find((i) => i.name === 'fake'));
  await cmd('selectContext')();
});

test('Check Decryption on a Kustomization: report document and Problems entries; no secret in them', async () => {
  await cmd('checkDecryption')({ key: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' } });
  const report = await state.providers.get('flux-decrypt')!.provideTextDocumentContent({});
  assert.match(report, /live: context fake/);
  assert.match(report, /Kustomization flux-system\/apps can decrypt apps\/secret.yaml with key age.agekey/);
  assert.match(report, /Kustomization flux-system\/apps cannot decrypt apps\/other.yaml/);
  const diags = state.diagnostics.get('flux-sops')!;
  const other = diags.get(`file://${path.join(root, 'apps', 'other.yaml')}`) as Array<{ severity: number; code: string; source: string }>;
  assert.ok(other.some((d) => d.severity === 0 && d.code === 'sops/no-matching-key' && d.source === 'Flux SOPS'));
  assert.match(state.messages.at(-1)?.text ?? '', /1 of 2 SOPS file\(s\) cannot be decrypted/);
  const everything = report + JSON.stringify([...diags.values()]) + JSON.stringify(state.messages) + [...state.channels.values()].map((c) => c.text).join('');
  assert.ok(!everything.includes(CANARY));
  assert.ok(!/AGE-SECRET-KEY-1[0-9A-Z]{10}/.test(everything));
});
