/**
 * The workspace graph derived in steps (WorkspaceModel.graphSteps, which the language server runs between
 * requests): the same graph as graph(), in many steps on a fleet, started again when the inputs change while it
 * is suspended, and the graph graph() derived meanwhile when it did. The tests step from 0 documents; a
 * workspace of at most STEPPED_DERIVE_DOCUMENTS is derived in one piece.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FluxEngine } from '../../../server/src/engine/engine';
import { STEPPED_DERIVE_DOCUMENTS, type Derived } from '../../../server/src/engine/workspace/model';
import { generateFleet } from '../../bench/fleet-gen';
import { ROOT } from './helpers';

const FLEET = generateFleet(1500, 3);

function loaded(fleet = FLEET): FluxEngine {
  const engine = new FluxEngine();
  engine.workspace.setRepo({ workspaceRoots: [ROOT], gitRoots: [ROOT], remotes: [] });
  for (const f of fleet.files) engine.updateFile(f.text, `${ROOT}/${f.path}`, { index: false });
  return engine;
}

/** The documents of the model's files. */
function documents(model: FluxEngine['workspace']): number {
  return [...model.allFacts()].reduce((n, f) => n + f.documents.length, 0);
}

/** What a graph says, without its serial ids' identity: instances with their cluster and applier, and the builds. */
function signature(g: Derived): string {
  const inst = g.instances.map((i) => [i.id, i.path, i.doc, i.kind, i.name, i.namespace ?? '', i.cluster?.name ?? '', i.appliedBy?.id ?? '', i.patches.length, i.implicit?.by ?? '']);
  const builds = [...g.builds.entries()].map(([id, b]) => [id, b.source, b.dir ?? '', b.objects.length]);
  return JSON.stringify({ inst, builds, clusters: g.clusters.map((c) => [c.id, c.name, c.instances.length]) });
}

const ANOTHER_APP = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: late-app
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/late
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

describe('WorkspaceModel.graphSteps', () => {
  it('derives the same graph as graph(), in many steps', () => {
    const whole = loaded().workspace.graph();
    const model = loaded().workspace;
    const steps = model.graphSteps(0);
    let yields = 0;
    let r = steps.next();
    while (!r.done) { yields++; r = steps.next(); }
    assert.ok(whole.instances.length > 1500, `${whole.instances.length} instances`);
    assert.ok(yields >= 5, `${yields} steps`);
    assert.equal(signature(r.value), signature(whole));
    // And it is the model's graph now: graph() does not derive it again.
    assert.equal(model.graph(), r.value);
  });

  it('starts again when the inputs change while it is suspended', () => {
    const engine = loaded();
    const steps = engine.workspace.graphSteps(0);
    for (let i = 0; i < 3; i++) assert.equal(steps.next().done, false);
    engine.updateFile(ANOTHER_APP, `${ROOT}/clusters/late.yaml`, { index: false });
    let r = steps.next();
    while (!r.done) r = steps.next();
    assert.ok(r.value.instances.some((i) => i.name === 'late-app'), 'the graph has the document added meanwhile');
    const fresh = loaded();
    fresh.updateFile(ANOTHER_APP, `${ROOT}/clusters/late.yaml`, { index: false });
    assert.equal(signature(r.value), signature(fresh.workspace.graph()));
  });

  it('ends with the graph that graph() derived meanwhile', () => {
    const model = loaded().workspace;
    const steps = model.graphSteps(0);
    steps.next();
    const meanwhile = model.graph();
    let r = steps.next();
    while (!r.done) r = steps.next();
    assert.equal(r.value, meanwhile);
  });

  it(`derives a workspace of at most STEPPED_DERIVE_DOCUMENTS (${STEPPED_DERIVE_DOCUMENTS}) documents in one piece`, () => {
    const small = generateFleet(150, 3);
    const model = loaded(small).workspace;
    assert.ok(documents(model) <= STEPPED_DERIVE_DOCUMENTS, `${documents(model)} documents`);
    const r = model.graphSteps().next();
    assert.equal(r.done, true);
    assert.equal(signature(r.value as Derived), signature(loaded(small).workspace.graph()));
    // And the test fleet, larger, in steps.
    assert.ok(documents(loaded().workspace) > STEPPED_DERIVE_DOCUMENTS);
    assert.equal(loaded().workspace.graphSteps().next().done, false);
  });
});
