/**
 * The context of the cross-file rules. Each is `(ctx) => FluxDiagnostic[]` over one file of the fleet model:
 * it reads the model (the file's facts, the derived apply graph and clusters), never the disk.
 */
import type { SchemaRegistry } from '../../schema/registry';
import type { FluxDiagnostic, Range, Severity } from '../../types';
import { docRange, rangeIn, spanRange, type DocFacts, type FileFacts } from '../../workspace/facts';
import { docKey, type Derived, type Instance, type WorkspaceModel } from '../../workspace/model';
import { objectPrefix } from '../context';

export interface WorkspaceRuleContext {
  model: WorkspaceModel;
  graph: Derived;
  file: FileFacts;
  registry: SchemaRegistry;
  targetFluxVersion: string;
  /** The instances of a document: one per place it is applied, or one free instance when nothing applies it. */
  instancesOf(doc: DocFacts): Instance[];
  /** A field's value range (`spec.path`), or its key range; the document's name when the field is absent. */
  rangeOf(doc: DocFacts, path: string, part?: 'key' | 'value'): Range;
  range(start: number, end: number): Range;
  /** A diagnostic with the object prefix ("Kind ns/name: "). */
  diag(doc: DocFacts, code: string, severity: Severity, range: Range, message: string, data?: FluxDiagnostic['data']): FluxDiagnostic;
  /** Repository-relative display path of a file or folder. */
  display(path: string): string;
}

export type WorkspaceRule = (ctx: WorkspaceRuleContext) => FluxDiagnostic[];

export function createWorkspaceContext(model: WorkspaceModel, file: FileFacts, registry: SchemaRegistry, targetFluxVersion: string): WorkspaceRuleContext {
  const graph = model.graph();
  return {
    model, graph, file, registry, targetFluxVersion,
    instancesOf: (doc) => (graph.byDoc.get(docKey(file.path, doc.index)) ?? []).filter((i) => !i.implicit),
    rangeOf: (doc, path, part = 'value') => spanRange(file, doc, path, part) ?? docRange(file, doc),
    range: (start, end) => rangeIn(file, start, end),
    diag: (doc, code, severity, range, message, data) => {
      const d: FluxDiagnostic = { range, severity, code, message: `${objectPrefix(doc)}${message}` };
      if (data !== undefined) d.data = data;
      return d;
    },
    display: (path) => displayPath(model, path),
  };
}

/** A path relative to its repository root (or workspace root), for messages. */
export function displayPath(model: WorkspaceModel, path: string): string {
  const root = model.repoRootOf(path);
  if (!root) return path;
  const rel = path.slice(root.length).replace(/^\/+/, '');
  return rel === '' ? '.' : rel;
}

/** "Kind ns/name" of an instance. */
export function describeInstance(i: Pick<Instance, 'kind' | 'name' | 'namespace'>): string {
  return `${i.kind} ${i.namespace !== undefined ? `${i.namespace}/` : ''}${i.name}`;
}

/** " in cluster clusters/prod" or "" for unreached objects. */
export function inCluster(i: Instance): string {
  return i.cluster ? ` in cluster ${i.cluster.name}` : '';
}
