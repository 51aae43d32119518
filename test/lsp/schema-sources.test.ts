/**
 * Schema sources over the real protocol: the client's `fluxWorkbench/clusterSchemas` notification switches the
 * open documents to the cluster's CRDs (re-published at once), `fluxWorkbench/schemaStatus` names the source, the
 * `fluxWorkbench.schemaSource` setting switches back, and an empty hand-over (disconnect) forgets the cluster.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lsp-client';
import { gitCrd, gitDoc } from '../engine/crd-fixtures';

const DOC = gitDoc('clusterOnly');
const clusterCrd = (): unknown => gitCrd('clusterOnly', 'v2.9.1');

interface Diag { code: string }

describe('language server: schema sources', () => {
  let client: LspClient;
  const uri = 'file:///ws/schema/git.yaml';
  const unknownField = (d: { diagnostics: Diag[] }): number => d.diagnostics.filter((x) => x.code === 'flux/unknown-field').length;

  before(async () => {
    client = new LspClient();
    await client.initialize();
  });
  after(async () => { await client.shutdown(); });

  it('judges by the bundled schema, then by the cluster CRDs handed over, then bundled again', async () => {
    const wait = client.waitForDiagnostics(uri, 1);
    client.open(uri, DOC);
    assert.equal(unknownField(await wait), 1);

    const pending = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; diagnostics: Diag[] }).uri === uri
      && unknownField(m.params as { diagnostics: Diag[] }) === 0);
    client.notify('fluxWorkbench/clusterSchemas', { context: 'prod', fluxVersion: 'v2.9.1', crds: [clusterCrd()] });
    await pending;
    const status = await client.request<{ summary: string; cluster?: string }>('fluxWorkbench/schemaStatus', null);
    assert.equal(status.summary, 'schema: cluster prod, Flux v2.9.1');

    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 10, character: 4 } });
    assert.match(hover.contents.value, /clusterOnly, a field only this source has/);
    assert.match(hover.contents.value, /schema: cluster prod, Flux v2\.9\.1/);

    // The setting forces the bundled schemas.
    const bundledAgain = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri
      && unknownField(m.params as { diagnostics: Diag[] }) === 1);
    client.notify('workspace/didChangeConfiguration', { settings: { fluxWorkbench: { schemaSource: 'bundled' } } });
    await bundledAgain;
    const s2 = await client.request<{ summary: string; mode: string }>('fluxWorkbench/schemaStatus', null);
    assert.equal(s2.mode, 'bundled');
    assert.match(s2.summary, /^schema: bundled Flux 2\.8/);

    // Back to auto, then the explorer disconnects: the cluster is forgotten.
    const clusterAgain = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri
      && unknownField(m.params as { diagnostics: Diag[] }) === 0);
    client.notify('workspace/didChangeConfiguration', { settings: { fluxWorkbench: { schemaSource: 'auto' } } });
    await clusterAgain;
    const forgotten = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri
      && unknownField(m.params as { diagnostics: Diag[] }) === 1);
    client.notify('fluxWorkbench/clusterSchemas', { context: 'prod', crds: [] });
    await forgotten;
  });

  it('a malformed hand-over is ignored without taking the server down', async () => {
    client.notify('fluxWorkbench/clusterSchemas', { context: 5, crds: 'nope' });
    const status = await client.request<{ summary: string }>('fluxWorkbench/schemaStatus', null);
    assert.match(status.summary, /^schema: /);
  });
});
