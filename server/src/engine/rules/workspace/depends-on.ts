/**
 * flux/depends-on-missing (error; warning for objects no root reaches): a `dependsOn` entry names no object of
 * that kind in the referrer's cluster. The controller then waits forever with "dependency '<ns>/<name>' not found".
 *
 * flux/depends-on-cycle (error): `dependsOn` entries that form a loop. Reported on every edge of the loop, with
 * the whole loop named; none of its objects will ever be reconciled. (A self-dependency is flux/depends-on-self.)
 */
import type { FluxDiagnostic } from '../../types';
import type { DocFacts } from '../../workspace/facts';
import { docKey, type Derived, type Instance } from '../../workspace/model';
import { describeInstance, type WorkspaceRuleContext } from './context';
import { missingReference, targetNamespace } from './references';

interface Edge {
  from: Instance;
  to: Instance;
  /** `path#doc` and the dependsOn index, to find the entry's range. */
  entry: number;
}

/** Cycles per derived graph: edge key (`fromId->toId`) -> the loop's instances, starting at `from`. */
const cycles = new WeakMap<Derived, Map<string, Instance[]>>();

function loopsOf(ctx: WorkspaceRuleContext): Map<string, Instance[]> {
  const cached = cycles.get(ctx.graph);
  if (cached) return cached;
  const edges = new Map<Instance, Edge[]>();
  for (const inst of ctx.graph.instances) {
    if (inst.implicit || (inst.kind !== 'Kustomization' && inst.kind !== 'HelmRelease')) continue;
    const doc = ctx.model.facts(inst.path)?.documents[inst.doc];
    if (!doc) continue;
    doc.refs.forEach((ref, i) => {
      if (!ref.path.includes('dependsOn')) return;
      for (const to of ctx.graph.resolve(ref.target.kind, ref.target.name, targetNamespace(ref, inst), inst.cluster)) {
        if (to === inst || to.implicit || docKey(to.path, to.doc) === docKey(inst.path, inst.doc)) continue;
        const list = edges.get(inst) ?? [];
        list.push({ from: inst, to, entry: i });
        edges.set(inst, list);
      }
    });
  }
  // Tarjan's strongly connected components; an edge inside a component of two or more is on a loop.
  const index = new Map<Instance, number>();
  const low = new Map<Instance, number>();
  const comp = new Map<Instance, number>();
  const stack: Instance[] = [];
  const onStack = new Set<Instance>();
  let counter = 0;
  let comps = 0;
  const strong = (v: Instance): void => {
    // Iterative DFS (dependsOn chains can be long).
    const work: Array<{ v: Instance; i: number }> = [{ v, i: 0 }];
    index.set(v, counter); low.set(v, counter); counter++; stack.push(v); onStack.add(v);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const out = edges.get(top.v) ?? [];
      if (top.i < out.length) {
        const w = out[top.i++]!.to;
        if (!index.has(w)) {
          index.set(w, counter); low.set(w, counter); counter++; stack.push(w); onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        let w: Instance;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.set(w, comps);
        } while (w !== top.v);
        comps++;
      }
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) strong(v);
  const size = new Map<number, number>();
  for (const c of comp.values()) size.set(c, (size.get(c) ?? 0) + 1);
  const result = new Map<string, Instance[]>();
  for (const [from, list] of edges) {
    for (const e of list) {
      const c = comp.get(from);
      if (c === undefined || c !== comp.get(e.to) || (size.get(c) ?? 0) < 2) continue;
      // The loop through this edge: from -> to -> ... -> from (breadth-first inside the component).
      const prev = new Map<Instance, Instance>();
      const queue = [e.to];
      const seen = new Set([e.to]);
      while (queue.length > 0 && !seen.has(from)) {
        const x = queue.shift()!;
        for (const n of edges.get(x) ?? []) {
          if (comp.get(n.to) !== c || seen.has(n.to)) continue;
          seen.add(n.to);
          prev.set(n.to, x);
          queue.push(n.to);
        }
      }
      const loop: Instance[] = [from];
      const back: Instance[] = [];
      for (let x: Instance | undefined = from; x && x !== e.to; x = prev.get(x)) back.push(x);
      loop.push(e.to, ...back.slice(1).reverse());
      result.set(`${from.id}->${e.to.id}`, loop);
    }
  }
  cycles.set(ctx.graph, result);
  return result;
}

export function dependsOn(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const out: FluxDiagnostic[] = [];
  let loops: Map<string, Instance[]> | undefined;
  for (const doc of ctx.file.documents) {
    if (!doc.isFlux) continue;
    const deps = doc.refs.filter((r) => r.path.includes('dependsOn'));
    if (deps.length === 0) continue;
    const insts = ctx.instancesOf(doc);
    for (const ref of deps) {
      const self = ref.target.kind === doc.kind && ref.target.name === doc.name;
      if (self) continue; // flux/depends-on-self
      let reported = false;
      for (const inst of insts) {
        const miss = missingReference(ctx, doc, ref, inst);
        if (!miss) continue;
        out.push(ctx.diag(doc, 'flux/depends-on-missing', miss.severity === 'information' ? 'warning' : miss.severity, ref.nameRange,
          `${miss.message.replace(/ refers to /, ' depends on ')}; the controller waits for it forever ("dependency not found")`,
          miss.suggestion !== undefined ? { suggestion: miss.suggestion } : undefined));
        reported = true;
        break;
      }
      if (reported) continue;
      loops ??= loopsOf(ctx);
      for (const inst of insts) {
        const targets = ctx.graph.resolve(ref.target.kind, ref.target.name, targetNamespace(ref, inst), inst.cluster);
        const loop = targets.map((t) => loops!.get(`${inst.id}->${t.id}`)).find((l) => l !== undefined);
        if (!loop) continue;
        const names = [...loop, loop[0]!].map((i) => describeInstance(i)).join(' → ');
        out.push(ctx.diag(doc, 'flux/depends-on-cycle', 'error', ref.nameRange,
          `dependsOn forms a cycle: ${names}; none of these is ever reconciled: remove one of the dependsOn entries`, { cycle: loop.map((i) => describeInstance(i)) }));
        break;
      }
    }
  }
  return out;
}

export type { DocFacts };
