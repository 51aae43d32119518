/**
 * flux/reference-not-found: a reference (sourceRef, chart.spec.sourceRef, chartRef, providerRef, eventSources,
 * Receiver resources, imageRepositoryRef, valuesFrom, substituteFrom, secretRef, certSecretRef,
 * decryption.secretRef, kubeConfig.secretRef, serviceAccountName, ...) names nothing in the cluster scope of the
 * referring object. dependsOn has its own rule (flux/depends-on-missing).
 *
 * Severity: a Flux object missing from the cluster that applies the referrer is an error; missing from the
 * whole workspace, for an object no root reaches, a warning. Secrets, ConfigMaps and ServiceAccounts are often
 * created outside git, so a missing one is information; so are the bootstrap `flux-system` source (made by
 * `flux bootstrap` or the Flux Operator) and ExternalArtifacts (made by an ArtifactGenerator).
 */
import type { ObjectReference } from '../../index/references';
import type { FluxDiagnostic, Severity } from '../../types';
import type { DocFacts } from '../../workspace/facts';
import type { Instance } from '../../workspace/model';
import { closest, suggestionLimit } from '../../schema/validate';
import { describeInstance, inCluster, type WorkspaceRuleContext } from './context';

/** Kinds made by controllers rather than committed: a miss is information. */
const MADE_OUTSIDE_GIT = new Set(['Secret', 'ConfigMap', 'ServiceAccount', 'ExternalArtifact']);

const pathText = (path: ReadonlyArray<string | number>): string => path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').slice(1).replace(/\.\[/g, '[');

/**
 * The did-you-mean candidates of one kind in one scope: `closest()` (schema/validate.ts) over the names of a
 * length that can be close enough. Names are grouped by length once (a miss used to sort and compare every name
 * of the kind), and each answer is kept for the graph's lifetime.
 */
export class NameCandidates {
  private readonly byLength = new Map<number, string[]>();
  private readonly answers = new Map<string, string | undefined>();
  constructor(names: Iterable<string>) {
    for (const n of names) {
      let list = this.byLength.get(n.length);
      if (!list) this.byLength.set(n.length, (list = []));
      list.push(n);
    }
  }
  suggest(word: string): string | undefined {
    if (this.answers.has(word)) return this.answers.get(word);
    const w = word.toLowerCase();
    const limit = suggestionLimit(word);
    // closest() skips names whose length differs by more than the limit: only the others are worth handing it.
    const near: string[] = [];
    for (let len = Math.max(0, w.length - limit); len <= w.length + limit; len++) near.push(...(this.byLength.get(len) ?? []));
    const best = closest(word, near);
    this.answers.set(word, best);
    return best;
  }
}

/** Names of each kind per cluster ('' for the whole workspace), per derived graph: the did-you-mean candidates. */
const nameIndex = new WeakMap<object, Map<string, NameCandidates>>();

function suggestName(ctx: WorkspaceRuleContext, kind: string, cluster: Instance['cluster'], name: string): string | undefined {
  let idx = nameIndex.get(ctx.graph);
  if (!idx) {
    const sets = new Map<string, Set<string>>();
    const add = (k: string, n: string): void => { let set = sets.get(k); if (!set) sets.set(k, (set = new Set())); set.add(n); };
    for (const i of ctx.graph.instances) {
      add(`${i.kind}@`, i.name);
      if (i.cluster) add(`${i.kind}@${i.cluster.id}`, i.name);
    }
    idx = new Map([...sets].map(([k, v]) => [k, new NameCandidates(v)]));
    nameIndex.set(ctx.graph, idx);
  }
  return idx.get(`${kind}@${cluster?.id ?? ''}`)?.suggest(name);
}

/** The namespace a reference points to from an instance: its own, else the referrer's effective one. */
export function targetNamespace(ref: ObjectReference, inst: Instance): string | undefined {
  return ref.namespaceExplicit ? ref.target.namespace : inst.namespace;
}

/** Why a reference found nothing, and what to do about it; undefined when it resolves. */
export function missingReference(ctx: WorkspaceRuleContext, doc: DocFacts, ref: ObjectReference, inst: Instance): { message: string; severity: Severity; suggestion?: string } | undefined {
  const { kind, name } = ref.target;
  const ns = targetNamespace(ref, inst);
  if (ctx.graph.resolve(kind, name, ns, inst.cluster).length > 0) return undefined;
  const field = pathText(ref.path);
  const want = `${kind} ${ns !== undefined ? `${ns}/` : ''}${name}`;
  const elsewhere = ctx.graph.anywhere(kind, name);
  let severity: Severity = inst.cluster ? 'error' : 'warning';
  let hint: string;
  let suggestion: string | undefined;
  if (MADE_OUTSIDE_GIT.has(kind)) {
    severity = 'information';
    hint = kind === 'ExternalArtifact' ? 'it is not in the workspace (an ArtifactGenerator makes ExternalArtifacts in the cluster)'
      : `it is not in the workspace; if it is created outside git (External Secrets, a Helm chart, ${kind === 'Secret' ? 'flux bootstrap, ' : ''}by hand), this is fine`;
  } else if (name === 'flux-system' && (kind === 'GitRepository' || kind === 'OCIRepository')) {
    severity = 'information';
    hint = 'it is not in the workspace; flux bootstrap or the Flux Operator creates it in the cluster';
  } else if (elsewhere.length > 0) {
    const other = elsewhere[0]!;
    const inNs = elsewhere.find((e) => e.cluster === inst.cluster && e.namespace !== ns);
    if (inNs && inNs.namespace !== undefined) {
      hint = `a ${kind} ${name} exists in namespace ${inNs.namespace}${inCluster(inNs)}: set ${field}.namespace: ${inNs.namespace}, or move the object`;
    } else {
      hint = `${describeInstance(other)} is defined in ${ctx.display(other.path)}${other.cluster ? `, which cluster ${other.cluster.name} applies` : ', which no Flux Kustomization applies'}`
        + `${inst.cluster ? `, not in cluster ${inst.cluster.name}` : ''}`;
    }
  } else {
    suggestion = suggestName(ctx, kind, inst.cluster, name);
    hint = suggestion !== undefined ? `did you mean '${suggestion}'?` : `no ${kind} of that name is defined in the workspace; define it, or fix the name`;
  }
  const scope = inst.cluster ? ` in cluster ${inst.cluster.name}` : ' in the workspace';
  return { severity, suggestion, message: `${field} refers to ${want}, which is not defined${scope}; ${hint}` };
}

export function referenceNotFound(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const out: FluxDiagnostic[] = [];
  for (const doc of ctx.file.documents) {
    if (!doc.isFlux || doc.refs.length === 0) continue;
    const insts = ctx.instancesOf(doc);
    for (const ref of doc.refs) {
      if (ref.path.includes('dependsOn') || ref.optional) continue;
      // Report once per reference: for the first instance that misses it (one cluster is enough to fail).
      for (const inst of insts) {
        const miss = missingReference(ctx, doc, ref, inst);
        if (!miss) continue;
        out.push(ctx.diag(doc, 'flux/reference-not-found', miss.severity, ref.nameRange, miss.message,
          miss.suggestion !== undefined ? { suggestion: miss.suggestion } : undefined));
        break;
      }
    }
  }
  return out;
}
