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
