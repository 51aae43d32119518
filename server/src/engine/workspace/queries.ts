/**
 * Questions other parts of the product ask the fleet model (the decrypt-check: which Kustomizations apply a file).
 */
import { extractFacts } from './facts';
import { docKey, WorkspaceModel } from './model';
import { parseFile } from '../document';
import type { ObjectKey } from '../index/workspace-index';

/**
 * The Flux Kustomizations that apply a file's documents, as the model derives them (through kustomize
 * resources, components and generated kustomizations, not only by spec.path). Undefined when the model does not
 * hold the file (not YAML, or not fed).
 */
export function kustomizationsApplyingFile(model: WorkspaceModel, path: string): ObjectKey[] | undefined {
  const facts = model.facts(path);
  if (!facts) return undefined;
  const graph = model.graph();
  const out = new Map<string, ObjectKey>();
  for (const d of facts.documents) {
    for (const inst of graph.byDoc.get(docKey(path, d.index)) ?? []) {
      const ks = inst.appliedBy;
      if (!ks || ks.implicit) continue;
      const key: ObjectKey = { kind: 'Kustomization', name: ks.name };
      if (ks.namespace !== undefined) key.namespace = ks.namespace;
      out.set(`${ks.namespace ?? ''}/${ks.name}`, key);
    }
  }
  return [...out.values()];
}

/** A model of files held in memory (`path` relative to `root`, `/` separators), for callers outside the engine. */
export function modelOfFiles(root: string, files: ReadonlyArray<{ path: string; text: string }>): WorkspaceModel {
  const model = new WorkspaceModel();
  const base = root.replace(/\\/g, '/').replace(/\/+$/, '');
  model.setRepo({ workspaceRoots: [base], gitRoots: [base] });
  for (const f of files) {
    const abs = `${base}/${f.path}`;
    if (/\.ya?ml$/i.test(f.path)) model.setFile(abs, extractFacts(parseFile(f.text, { uri: abs }), abs));
    else model.setFile(abs, null);
  }
  return model;
}
