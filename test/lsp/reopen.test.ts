// A document closed and opened again at the same version, with the same result, is answered again: the client
// waits for that version. The fuzzer (seed 12, input 41) found such a reopen unanswered: when the didOpen came
// before the close's own bookkeeping (an fs.stat of the closed file) finished, the record of the last publish was
// still there and the new version-1 result, equal to it, was dropped as unchanged.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspClient } from './lsp-client';

const SERVER = process.env.FW_REOPEN_SERVER; // another build to compare with (e.g. an older dist/cli.js)

test('close then reopen at version 1 with the same result: every reopen gets its version-1 diagnostics', { timeout: 120000 }, async () => {
  const client = SERVER ? new LspClient([SERVER, 'lsp', '--stdio']) : new LspClient();
  try {
    await client.initialize({ debounceMs: 0 });
    const uri = 'file:///fw-reopen-test/not-on-disk.yaml';
    const text = 'plain: yaml\nnot: flux\n'; // no Flux document: the result is [] every time
    const first = client.waitForDiagnostics(uri, 1, 10000);
    client.open(uri, text, 1);
    assert.deepEqual((await first).diagnostics, []);
    let unanswered = 0;
    for (let i = 0; i < 40; i++) {
      const next = client.waitForDiagnostics(uri, 1, 3000);
      // Close and open in the same tick, so the open is handled before the close's file check completes.
      client.notify('textDocument/didClose', { textDocument: { uri } });
      client.open(uri, text, 1);
      await next.catch(() => { unanswered++; });
    }
    assert.equal(unanswered, 0, `${unanswered} of 40 reopens got no version-1 diagnostics`);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
});

// The fuzzer (seed 21, input 6107) found a reopened document's version 1 published with the diagnostics of the
// text it had before it was closed (a range past the end of the new text): the close left the old version's record,
// and a republish of every file (another file changed the graph) sent the old result under the reopened version.
test('close then reopen at version 1 with other text: no version-1 publish carries the old text\'s diagnostics', { timeout: 120000 }, async () => {
  const client = SERVER ? new LspClient([SERVER, 'lsp', '--stdio']) : new LspClient();
  try {
    await client.initialize({ debounceMs: 0 });
    const uri = 'file:///fw-reopen-test/changed-while-closed.yaml';
    const other = 'file:///fw-reopen-test/other.yaml';
    // The old text: a Kustomization with a typo on its last line (line 11); the new text: 3 lines, no problem.
    const old = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: a\n  namespace: flux-system\n'
      + 'spec:\n  interval: 10m\n  path: ./a\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n  intervall: 1m\n';
    const now = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
    type Published = { uri: string; version?: number; diagnostics: Array<{ range: { start: { line: number } }; message: string }> };
    let stale = 0;
    for (let i = 0; i < 30; i++) {
      const first = client.waitForDiagnostics(uri, 1, 10000);
      client.open(uri, old, 1);
      const firstDiags = (await first).diagnostics;
      assert.ok(firstDiags.some((d) => d.range.start.line === 10), `round ${i}: the old text has its typo reported: ${JSON.stringify(firstDiags)}`);
      // Close, change the graph through another file (a republish of every file follows), reopen with other text.
      client.notify('textDocument/didClose', { textDocument: { uri } });
      const otherText = `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: o${i}\n  namespace: flux-system\n`
        + 'spec:\n  interval: 1m\n  path: ./o\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n';
      const otherPublished = client.waitForDiagnostics(other, i + 1, 5000);
      if (i === 0) client.open(other, otherText, 1);
      else client.notify('textDocument/didChange', { textDocument: { uri: other, version: i + 1 }, contentChanges: [{ text: otherText }] });
      const from = client.notifications.length;
      const reopened = client.waitForDiagnostics(uri, 1, 5000);
      client.open(uri, now, 1);
      assert.deepEqual((await reopened).diagnostics.filter((d) => d.range.start.line > 2), []);
      await otherPublished;
      // Every version-1 publish since the reopen is of the new text (3 lines).
      stale += client.notifications.slice(from).filter((m) => {
        const p = m.params as Published;
        return m.method === 'textDocument/publishDiagnostics' && p.uri === uri && p.version === 1 && p.diagnostics.some((d) => d.range.start.line > 2);
      }).length;
      client.notify('textDocument/didClose', { textDocument: { uri } });
    }
    assert.equal(stale, 0, `${stale} of the reopened version-1 publishes had the old text's diagnostics`);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
});
