/**
 * SOPS hygiene (FLUX-FACTS §6), on what the workspace shows (the decrypt-check command goes further, with keys):
 * - flux/secret-unencrypted: a v1 Secret committed with plaintext `data`/`stringData` values; an error when a
 *   `.sops.yaml` creation rule covers its path (the repository means to encrypt it), else a warning. The message
 *   never holds a value.
 * - flux/sops-decryption-missing (error): an encrypted document applied by a Flux Kustomization that does not set
 *   `spec.decryption.provider: sops` (kustomize-controller then applies it still encrypted, or fails with "is
 *   SOPS encrypted, configuring decryption is required").
 * - flux/sops-recipients-mismatch (warning): an encrypted document whose recipients or encrypted_regex differ from
 *   the `.sops.yaml` creation rule for its path (someone changed the rule without `sops updatekeys`).
 */
import * as posix from 'node:path/posix';
import { compareWithRule, matchCreationRule, sopsMetadataFromValue, type SopsConfig } from '../../sops';
import type { FluxDiagnostic } from '../../types';
import type { FileFacts } from '../../workspace/facts';
import { isUnder, type WorkspaceModel } from '../../workspace/model';
import { describeInstance, type WorkspaceRuleContext } from './context';

/** The nearest `.sops.yaml` at or above a file's folder (within its repository), with its folder. */
export function sopsConfigFor(model: WorkspaceModel, path: string): { dir: string; config: SopsConfig } | undefined {
  const top = model.repoRootOf(path) ?? '/';
  for (let dir = posix.dirname(path); isUnder(dir, top); dir = posix.dirname(dir)) {
    const f = model.facts(posix.join(dir, '.sops.yaml'));
    if (f?.sopsConfig) return { dir, config: f.sopsConfig };
    if (dir === posix.dirname(dir)) break;
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function line(file: FileFacts, offset: number): number {
  return file.lineIndex.positionAt(offset).line;
}

export function sopsHygiene(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const out: FluxDiagnostic[] = [];
  const cfg = ctx.file.documents.some((d) => d.secret?.plaintext || d.sops) ? sopsConfigFor(ctx.model, ctx.file.path) : undefined;
  const rel = cfg ? ctx.file.path.slice(cfg.dir.length).replace(/^\/+/, '') : '';
  const rule = cfg ? matchCreationRule(cfg.config, rel) : undefined;
  for (const doc of ctx.file.documents) {
    if (doc.secret?.plaintext && !doc.sops) {
      const range = ctx.range(doc.secret.start, doc.secret.end);
      out.push(ctx.diag(doc, 'flux/secret-unencrypted', rule ? 'error' : 'warning', range,
        rule
          ? `this Secret is committed unencrypted, though .sops.yaml creation_rules[${rule.index}] covers ${rel}: encrypt it (sops --encrypt --in-place ${posix.basename(ctx.file.path)}) before pushing, and rotate the values if they were ever pushed`
          : 'this Secret is committed with plaintext values: encrypt it with SOPS (and decrypt it in the Flux Kustomization with decryption.provider: sops), or create it outside git (External Secrets, sealed-secrets)',
        { keys: doc.secret.keys }));
    }
    if (!doc.sops) continue;
    const at = doc.sopsKey ? ctx.range(doc.sopsKey[0], doc.sopsKey[1]) : ctx.range(doc.start, doc.start);
    for (const inst of ctx.instancesOf(doc)) {
      const ks = inst.appliedBy;
      if (!ks || ks.implicit) continue;
      const kdoc = ctx.model.facts(ks.path)?.documents[ks.doc];
      const dec = isRecord(kdoc?.value?.spec) ? (kdoc!.value!.spec as Record<string, unknown>).decryption : undefined;
      if (isRecord(dec) && dec.provider === 'sops') continue;
      out.push(ctx.diag(doc, 'flux/sops-decryption-missing', 'error', at,
        `this document is SOPS-encrypted, but ${describeInstance(ks)} (${ctx.display(ks.path)}), which applies it${inst.cluster ? ` in cluster ${inst.cluster.name}` : ''}, `
        + 'does not decrypt: add spec.decryption: {provider: sops, secretRef: {name: sops-age}} to that Kustomization'));
      break;
    }
    if (rule) {
      const meta = sopsMetadataFromValue(doc.sopsMeta, 'yaml', line(ctx.file, doc.sopsKey?.[0] ?? doc.start));
      for (const m of meta ? compareWithRule(meta, rule) : []) {
        out.push(ctx.diag(doc, 'flux/sops-recipients-mismatch', 'warning', at, m.message, { subject: m.subject }));
      }
    }
  }
  return out;
}
