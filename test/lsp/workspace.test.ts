/**
 * Workspace diagnostics over LSP stdio: after the cold scan every file's problems are published, open or not,
 * with work-done progress; edits republish the files whose cross-file result changed; settings apply without a
 * restart.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, type PublishedDiagnostics } from './lsp-client';
import { bootstrap, ks } from '../engine/workspace/helpers';

describe('language server: workspace diagnostics from the fleet model', () => {
  let dir = '';
  let client: LspClient;
  const uri = (rel: string): string => pathToFileURL(path.join(dir, rel)).toString();
  const codes = (p: PublishedDiagnostics): string[] => p.diagnostics.map((d) => String((d as { code?: unknown }).code));

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-lsp-ws-'));
    fs.mkdirSync(path.join(dir, '.git'));
    const files: Record<string, string> = {
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps/prod'),
      'clusters/prod/infra.yaml': ks('infra', './infra', '  dependsOn:\n    - name: apps\n'),
      'infra/source.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: oci://ghcr.io/example/charts\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    client = new LspClient();
  });

  after(async () => {
    await client.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the problems of files that were never opened, after the scan reports its progress', async () => {
    const apps = client.waitForDiagnostics(uri('clusters/prod/apps.yaml'), undefined, 30000);
    const progressEnd = client.waitFor((m) => m.method === '$/progress' && (m.params as { value?: { kind?: string } }).value?.kind === 'end', 30000);
    await client.initialize({ debounceMs: 0 }, { rootUri: pathToFileURL(dir).toString(), capabilities: { window: { workDoneProgress: true } } });
    const d = await apps;
    assert.deepEqual(codes(d), ['flux/path-not-found']);
    assert.equal(d.version, undefined, 'a file that is not open is published without a version');
    await progressEnd;
  });

  it('an opened file that creates the missing folder clears the other file\'s diagnostic', async () => {
    const cleared = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics'
      && (m.params as PublishedDiagnostics).uri === uri('clusters/prod/apps.yaml') && (m.params as PublishedDiagnostics).diagnostics.length === 0, 30000);
    client.open(uri('apps/prod/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n');
    await cleared;
  });

  it('every new version of an open document is answered, even with the same diagnostics', async () => {
    const cm = uri('apps/prod/cm.yaml');
    const v2 = client.waitForDiagnostics(cm, 2, 30000);
    client.notify('textDocument/didChange', { textDocument: { uri: cm, version: 2 }, contentChanges: [{ text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n# a comment\n' }] });
    assert.deepEqual((await v2).diagnostics, []);
  });

  it('an interval edit republishes only the edited file; a renamed dependency republishes the file that depends on it', async () => {
    const apps = uri('clusters/prod/apps.yaml');
    const infra = uri('clusters/prod/infra.yaml');
    const text = fs.readFileSync(path.join(dir, 'clusters/prod/apps.yaml'), 'utf8');
    const opened = client.waitForDiagnostics(apps, 1, 30000);
    client.open(apps, text);
    await opened;
    const mark = client.notifications.length;
    const v2 = client.waitForDiagnostics(apps, 2, 30000);
    client.notify('textDocument/didChange', { textDocument: { uri: apps, version: 2 }, contentChanges: [{ text: text.replace('interval: 10m', 'interval: 20m') }] });
    await v2;
    // The rename makes infra's dependsOn entry miss: infra is republished (after anything the first edit caused).
    const missing = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as PublishedDiagnostics).uri === infra
      && codes(m.params as PublishedDiagnostics).includes('flux/depends-on-missing'), 30000);
    const renamed = client.notifications.length;
    client.notify('textDocument/didChange', { textDocument: { uri: apps, version: 3 }, contentChanges: [{ text: text.replace('name: apps', 'name: apps-renamed') }] });
    await missing;
    const published = (from: number, to: number): string[] => client.notifications.slice(from, to)
      .filter((m) => m.method === 'textDocument/publishDiagnostics').map((m) => (m.params as PublishedDiagnostics).uri);
    assert.deepEqual(published(mark, renamed), [apps], 'the interval edit published the edited file only');
    // Back to the original name: infra's diagnostic goes again.
    const cleared = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as PublishedDiagnostics).uri === infra
      && !codes(m.params as PublishedDiagnostics).includes('flux/depends-on-missing'), 30000);
    client.notify('textDocument/didChange', { textDocument: { uri: apps, version: 4 }, contentChanges: [{ text }] });
    await cleared;
    client.notify('textDocument/didClose', { textDocument: { uri: apps } });
  });

  it('a setting change reaches the server without a restart: the target version re-judges every file', async () => {
    const source = uri('infra/source.yaml');
    const before = client.notifications.filter((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as PublishedDiagnostics).uri === source).pop();
    assert.ok(before && codes(before.params as PublishedDiagnostics).includes('flux/removed-api-version'), 'v1beta2 is removed at 2.8');
    const next = client.waitForDiagnostics(source, undefined, 30000);
    client.notify('workspace/didChangeConfiguration', { settings: { fluxWorkbench: { targetFluxVersion: '2.6' } } });
    const after26 = await next;
    assert.ok(!codes(after26).includes('flux/removed-api-version'), JSON.stringify(after26));
    assert.ok(codes(after26).includes('flux/deprecated-api-version'), JSON.stringify(after26));
  });

  it('the openFiles scope clears the diagnostics of files that are not open', async () => {
    const cleared = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics'
      && (m.params as PublishedDiagnostics).uri === uri('infra/source.yaml') && (m.params as PublishedDiagnostics).diagnostics.length === 0, 30000);
    client.notify('workspace/didChangeConfiguration', { settings: { fluxWorkbench: { targetFluxVersion: '2.6', diagnostics: { scope: 'openFiles' } } } });
    await cleared;
  });
});
