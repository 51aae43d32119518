/**
 * Post-build substitution (FLUX-FACTS §10), for objects that a Flux Kustomization with `spec.postBuild` applies:
 * - flux/undefined-variable (warning): a `${VAR}` without a default that neither `postBuild.substitute` nor a
 *   `substituteFrom` ConfigMap/Secret found in the workspace defines. Flux replaces it with an empty string.
 *   Not judged when a non-optional substituteFrom source is not in the workspace (its keys are unknown), for
 *   objects labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled`, or for `$${VAR}`.
 * - flux/substituted-value (error): a Flux object's value whose variables are all known, judged after
 *   substitution by the schema (`interval: ${SYNC}` with SYNC = "5 minutes").
 * Precedence: substitute over substituteFrom; later substituteFrom entries over earlier ones.
 */
import { parse } from 'yaml';
import { schemaAtPath } from '../../schema/registry';
import { formatPath, validateValue } from '../../schema/validate';
import type { FluxDiagnostic } from '../../types';
import type { DocFacts, VarUse } from '../../workspace/facts';
import type { Instance } from '../../workspace/model';
import { describeInstance, type WorkspaceRuleContext } from './context';

/** What a Kustomization's postBuild defines: names, values when known, and whether the list is complete. */
interface VarScope {
  ks: Instance;
  /** Variable -> value (undefined: defined, value unknown, e.g. from a Secret). */
  vars: Map<string, string | undefined>;
  /** Where each variable comes from, for messages. */
  from: Map<string, string>;
  /** False when a substituteFrom source's keys are unknown (not in the workspace, or generated from env files). */
  complete: boolean;
  sources: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const scopes = new WeakMap<object, Map<string, VarScope | null>>();

function scopeOf(ctx: WorkspaceRuleContext, ks: Instance): VarScope | null {
  let perGraph = scopes.get(ctx.graph);
  if (!perGraph) scopes.set(ctx.graph, (perGraph = new Map()));
  if (perGraph.has(ks.id)) return perGraph.get(ks.id)!;
  const doc = ctx.model.facts(ks.path)?.documents[ks.doc];
  const postBuild = isRecord(doc?.value?.spec) ? (doc!.value!.spec as Record<string, unknown>).postBuild : undefined;
  let scope: VarScope | null = null;
  if (isRecord(postBuild)) {
    scope = { ks, vars: new Map(), from: new Map(), complete: true, sources: [] };
    const from = postBuild.substituteFrom;
    if (Array.isArray(from)) {
      for (const src of from) {
        if (!isRecord(src) || typeof src.name !== 'string' || (src.kind !== 'ConfigMap' && src.kind !== 'Secret')) { scope.complete = false; continue; }
        const label = `${src.kind} ${src.name}`;
        scope.sources.push(label);
        const found = ctx.graph.resolve(src.kind, src.name, ks.namespace, ks.cluster);
        if (found.length === 0) {
          if (src.optional !== true) scope.complete = false;
          continue;
        }
        const o = found[0]!;
        const d = o.implicit ? undefined : ctx.model.facts(o.path)?.documents[o.doc];
        const keys = o.implicit ? o.implicit.keys : src.kind === 'Secret' ? d?.secret?.keys : d?.configMapKeys;
        if (!keys) { scope.complete = false; continue; }
        const values = src.kind === 'ConfigMap' ? d?.configMapData : undefined;
        for (const k of keys) {
          scope.vars.set(k, values?.[k]);
          scope.from.set(k, label);
        }
      }
    }
    if (isRecord(postBuild.substitute)) {
      scope.sources.unshift('postBuild.substitute');
      for (const [k, v] of Object.entries(postBuild.substitute)) {
        scope.vars.set(k, typeof v === 'string' ? v : v === null || v === undefined ? undefined : String(v));
        scope.from.set(k, 'postBuild.substitute');
      }
    }
  }
  perGraph.set(ks.id, scope);
  return scope;
}

const DISABLED = 'kustomize.toolkit.fluxcd.io/substitute';

const VAR_IN_TEXT = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[=-])([^}]*))?\}/g;

/** The text after substitution, or undefined when a variable's value is not known. */
function substitute(raw: string, scope: VarScope): string | undefined {
  let unknown = false;
  const out = raw.replace(VAR_IN_TEXT, (m, esc: string, name: string, op: string | undefined, def: string | undefined) => {
    if (esc === '$') return m.slice(1);
    if (scope.vars.has(name)) {
      const v = scope.vars.get(name);
      if (v === undefined) unknown = true;
      return v ?? '';
    }
    if (op !== undefined) return def ?? '';
    unknown = true;
    return '';
  });
  return unknown ? undefined : out;
}

function judgeSubstituted(ctx: WorkspaceRuleContext, doc: DocFacts, use: VarUse, scope: VarScope, out: FluxDiagnostic[], seen: Set<string>): void {
  if (!doc.isFlux || !doc.group || !doc.version || !doc.kind) return;
  const key = use.path.join('.');
  if (seen.has(key)) return;
  const text = substitute(use.raw, scope);
  if (text === undefined) return;
  const schema = ctx.registry.get(doc.group, doc.version, doc.kind);
  const sub = schema ? schemaAtPath(schema, use.path) : undefined;
  if (!sub) return;
  let value: unknown = text;
  if (!use.quoted) {
    try {
      value = parse(text);
    } catch {
      return;
    }
  }
  const errors = validateValue(sub, value, { partial: true }).filter((e) => e.keyword !== 'unknown-field');
  if (errors.length === 0) return;
  seen.add(key);
  const vars = [...use.raw.matchAll(VAR_IN_TEXT)].filter((m) => m[1] !== '$').map((m) => `\${${m[2]}} = '${scope.vars.get(m[2]!) ?? m[4] ?? ''}' (${scope.from.get(m[2]!) ?? 'default'})`);
  const first = errors[0]!;
  out.push(ctx.diag(doc, 'flux/substituted-value', 'error', ctx.range(use.start, use.end),
    `${formatPath(use.path)} is '${text}' after post-build substitution by ${describeInstance(scope.ks)} (${vars.join(', ')}): ${first.message.replace(/^the object /, '')}`));
}

export function substitution(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const out: FluxDiagnostic[] = [];
  for (const doc of ctx.file.documents) {
    if (doc.vars.length === 0) continue;
    if (doc.labels[DISABLED] === 'disabled' || doc.annotations[DISABLED] === 'disabled') continue;
    const reported = new Set<string>();
    const judged = new Set<string>();
    for (const inst of ctx.instancesOf(doc)) {
      if (!inst.appliedBy) continue;
      const scope = scopeOf(ctx, inst.appliedBy);
      if (!scope) continue; // no postBuild: nothing is substituted
      for (const use of doc.vars) {
        judgeSubstituted(ctx, doc, use, scope, out, judged);
        if (use.hasDefault || scope.vars.has(use.name) || !scope.complete) continue;
        const k = `${use.start}:${use.name}`;
        if (reported.has(k)) continue;
        reported.add(k);
        out.push(ctx.diag(doc, 'flux/undefined-variable', 'warning', ctx.range(use.start, use.end),
          `\${${use.name}} is not defined by ${describeInstance(scope.ks)}${inst.cluster ? ` in cluster ${inst.cluster.name}` : ''}, which substitutes this object `
          + `(variables come from ${scope.sources.length ? scope.sources.join(', ') : 'postBuild.substitute and postBuild.substituteFrom'}); Flux replaces it with an empty string: `
          + `define ${use.name} there, give a default (\${${use.name}:=value}), or write $\${${use.name}} for a literal`));
      }
    }
  }
  return out;
}
