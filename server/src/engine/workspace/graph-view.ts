/**
 * The apply graph as users read it (`flux-workbench graph`): per cluster, the Flux Kustomizations in dependsOn
 * order, each with its source, folder and the objects it applies with their effective namespaces. It shows what
 * the model believes: the first thing to look at when a cross-file rule seems wrong.
 */
import { displayPath, describeInstance } from '../rules/workspace/context';
import { type Cluster, type Instance, type KustomizationBuild, type WorkspaceModel } from './model';

export interface GraphObject {
  kind: string;
  name: string;
  namespace?: string;
  file: string;
  /** Made by something else (a HelmRelease's HelmChart, a kustomize generator), not a document of its own. */
  implicit?: string;
}

export interface GraphKustomization extends GraphObject {
  source: KustomizationBuild['source'];
  path?: string;
  pathExists?: boolean;
  dependsOn: string[];
  objects: GraphObject[];
}

export interface GraphCluster {
  name: string;
  root: string;
  kustomizations: GraphKustomization[];
}

export interface GraphView {
  clusters: GraphCluster[];
  /** Flux objects that no cluster root reaches. */
  unreached: GraphObject[];
}

function obj(model: WorkspaceModel, i: Instance): GraphObject {
  const o: GraphObject = { kind: i.kind, name: i.name, file: displayPath(model, i.path) };
  if (i.namespace !== undefined) o.namespace = i.namespace;
  if (i.implicit) o.implicit = i.implicit.by.split(i.path).join(displayPath(model, i.path));
  return o;
}

/** Kustomizations of a cluster, dependencies first (a stable topological order; cycles keep file order). */
function ordered(model: WorkspaceModel, ks: Instance[]): Instance[] {
  const byKey = new Map(ks.map((k) => [`${k.namespace ?? ''}/${k.name}`, k]));
  const done = new Set<Instance>();
  const visiting = new Set<Instance>();
  const out: Instance[] = [];
  const visit = (k: Instance): void => {
    if (done.has(k) || visiting.has(k)) return;
    visiting.add(k);
    const d = model.facts(k.path)?.documents[k.doc];
    for (const r of d?.refs ?? []) {
      if (!r.path.includes('dependsOn')) continue;
      const dep = byKey.get(`${r.namespaceExplicit ? r.target.namespace ?? '' : k.namespace ?? ''}/${r.target.name}`);
      if (dep) visit(dep);
    }
    visiting.delete(k);
    done.add(k);
    out.push(k);
  };
  for (const k of ks) visit(k);
  return out;
}

export function graphView(model: WorkspaceModel): GraphView {
  const g = model.graph();
  const clusters: GraphCluster[] = g.clusters.map((c: Cluster) => {
    const ks = c.instances.filter((i) => i.kind === 'Kustomization' && i.group === 'kustomize.toolkit.fluxcd.io');
    return {
      name: c.name,
      root: describeInstance(c.root),
      kustomizations: ordered(model, ks).map((k) => {
        const b = g.builds.get(k.id);
        const d = model.facts(k.path)?.documents[k.doc];
        const gk: GraphKustomization = {
          ...obj(model, k), source: b?.source ?? 'unknown',
          dependsOn: (d?.refs ?? []).filter((r) => r.path.includes('dependsOn')).map((r) => `${r.target.namespace ?? k.namespace ?? ''}/${r.target.name}`.replace(/^\//, '')),
          objects: (b?.objects ?? []).map((o) => obj(model, o)),
        };
        if (b?.dir !== undefined) {
          gk.path = displayPath(model, b.dir);
          gk.pathExists = b.dirExists === true;
        }
        return gk;
      }),
    };
  });
  const unreached = g.instances.filter((i) => !i.cluster && !i.implicit && isFluxGroup(i.group)).map((i) => obj(model, i));
  return { clusters, unreached };
}

const isFluxGroup = (group: string): boolean => group.endsWith('.fluxcd.io');

const nsName = (o: GraphObject): string => `${o.namespace !== undefined ? `${o.namespace}/` : ''}${o.name}`;

export function graphText(view: GraphView): string {
  const lines: string[] = [];
  if (view.clusters.length === 0) lines.push('No cluster found: no Flux Kustomization whose source is this repository is applied by none other (a clusters/<name>/flux-system folder made by flux bootstrap is the usual root).');
  for (const c of view.clusters) {
    lines.push(`cluster ${c.name} (root ${c.root})`);
    for (const k of c.kustomizations) {
      const where = k.path !== undefined ? `${k.path}${k.pathExists ? '' : ' (missing)'}` : k.source === 'this' ? '' : `(source: ${k.source === 'other' ? 'another repository' : 'unknown'})`;
      lines.push(`  Kustomization ${nsName(k)}  ${where}${k.dependsOn.length ? `  dependsOn: ${k.dependsOn.join(', ')}` : ''}`);
      for (const o of k.objects) lines.push(`    ${o.kind} ${nsName(o)}  ${o.implicit ? `(made by ${o.implicit})` : o.file}`);
    }
  }
  if (view.unreached.length > 0) {
    lines.push('not applied by any cluster root:');
    for (const o of view.unreached) lines.push(`  ${o.kind} ${nsName(o)}  ${o.file}`);
  }
  return `${lines.join('\n')}\n`;
}

function dotId(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

export function graphDot(view: GraphView): string {
  const lines = ['digraph flux {', '  rankdir=LR;', '  node [shape=box, fontname="sans-serif"];'];
  view.clusters.forEach((c, ci) => {
    lines.push(`  subgraph cluster_${ci} {`, `    label=${dotId(c.name)};`);
    for (const k of c.kustomizations) {
      const id = dotId(`${ci}:Kustomization/${nsName(k)}`);
      lines.push(`    ${id} [label=${dotId(`Kustomization\n${nsName(k)}${k.path !== undefined ? `\n${k.path}` : ''}`)}, style=bold];`);
      for (const d of k.dependsOn) lines.push(`    ${id} -> ${dotId(`${ci}:Kustomization/${d}`)} [style=dashed, label="dependsOn"];`);
      for (const o of k.objects) {
        if (o.kind === 'Kustomization') {
          lines.push(`    ${id} -> ${dotId(`${ci}:Kustomization/${nsName(o)}`)};`);
        } else if (o.kind !== 'Secret' && o.kind !== 'ConfigMap') {
          const oid = dotId(`${ci}:${o.kind}/${nsName(o)}`);
          lines.push(`    ${oid} [label=${dotId(`${o.kind}\n${nsName(o)}`)}];`, `    ${id} -> ${oid};`);
        }
      }
    }
    lines.push('  }');
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
