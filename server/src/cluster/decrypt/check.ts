/**
 * The decrypt-check: for every SOPS file of a workspace, who applies it and who can decrypt it.
 * Offline: the Kustomizations of the workspace, the `.sops.yaml` creation rules and the user's local age
 * identities (the data key really unwrapped and the MAC verified in memory). Live: the cluster's
 * Kustomizations, their decryption Secret's keys (age recipients and PGP fingerprints derived in memory),
 * and the failures the cluster already reports. Reports carry only public facts: paths, recipients,
 * fingerprints, key names.
 */
import { compareWithRule, listRecipients, matchCreationRule, parseSopsConfig, type SopsRecipients } from '../../engine/sops';
import type { ObjectKey } from '../types';
import { KeyRing } from './keys';
import { verifySopsMac } from './sops-crypto';
import {
  findSopsFiles, kustomizationsApplying, type KustomizationInfo, nearestSopsConfig, type SopsFile, type WorkspaceFile,
} from './workspace';

export type DecryptSeverity = 'error' | 'warning' | 'info';

/** Stable codes of the report lines. */
export type DecryptCode =
  | 'sops/cluster-can-decrypt' | 'sops/no-matching-key' | 'sops/decryption-not-configured' | 'sops/secret-missing'
  | 'sops/key-name-suffix' | 'sops/cluster-failure' | 'sops/not-applied' | 'sops/local-can-decrypt' | 'sops/local-no-key'
  | 'sops/mac-mismatch' | 'sops/creation-rule' | 'sops/unverified' | 'sops/unreadable';

export interface DecryptFinding {
  code: DecryptCode;
  severity: DecryptSeverity;
  /** Names the file, the Kustomization/Secret and the fix. Never holds a secret. */
  message: string;
  /** 0-based line in the file (the `sops` block unless said otherwise). */
  line: number;
  kustomization?: ObjectKey;
}

export interface FileReport {
  file: string;
  format: string;
  /** `type:id` strings. */
  recipients: string[];
  kustomizations: ObjectKey[];
  findings: DecryptFinding[];
  /** False when a Kustomization that applies the file cannot decrypt it (the exit-1 condition). */
  decryptableWhereApplied: boolean;
}

export interface DecryptReport {
  files: FileReport[];
  live: boolean;
  /** Lines not tied to one file: nothing to check, unreadable key sources, cluster failures without files. */
  notes: string[];
  /** Cluster failures ("failed to decrypt") per Kustomization, from status and controller logs. */
  clusterFailures: { kustomization: ObjectKey; source: 'status' | 'logs'; message: string }[];
  ok: boolean;
}

/** What a decryption Secret holds: key names only, plus the ring built from its key material. */
export interface SecretKeys {
  key: ObjectKey;
  /** `missing` (404), `forbidden` (cannot read) or `found`. */
  state: 'found' | 'missing' | 'forbidden';
  names: string[];
  ring?: KeyRing;
}

/** What the live check read from the cluster. */
export interface ClusterDecryptFacts {
  context: string;
  kustomizations: KustomizationInfo[];
  /** By `namespace/name` of the Secret. */
  secrets: Map<string, SecretKeys>;
  /** Decrypt failures from controller logs, by `namespace/name` of the Kustomization. */
  logFailures: Map<string, string[]>;
}

const KMS_SECRET_KEYS: Record<string, keyof SopsRecipients> = {
  'sops.aws-kms': 'kms', 'sops.gcp-kms': 'gcp_kms', 'sops.azure-kv': 'azure_kv', 'sops.vault-token': 'hc_vault',
};

/** A Secret data key that kustomize-controller ignores, with the name it wants (FLUX-FACTS §6). */
export function wrongSuffix(name: string): string | undefined {
  if (name.endsWith('.agekey') || name.endsWith('.asc') || name in KMS_SECRET_KEYS) return undefined;
  const kms = /^(sops\.(?:aws-kms|gcp-kms|azure-kv|vault-token))\.(?:json|ya?ml|txt)$/.exec(name);
  if (kms) return kms[1];
  if (/age/i.test(name)) return `${name.replace(/\.(key|txt|age|keys)$/i, '')}.agekey`;
  if (/\.(gpg|pgp|key)$/i.test(name) || /pgp|gpg/i.test(name)) return `${name.replace(/\.(gpg|pgp|key)$/i, '')}.asc`;
  return undefined;
}

/** Classifies the key names of a decryption Secret. */
export function classifySecretKeys(names: readonly string[]): { age: string[]; pgp: string[]; kms: string[]; wrong: { name: string; want: string }[]; other: string[] } {
  const r = { age: [] as string[], pgp: [] as string[], kms: [] as string[], wrong: [] as { name: string; want: string }[], other: [] as string[] };
  for (const n of names) {
    if (n.endsWith('.agekey')) r.age.push(n);
    else if (n.endsWith('.asc')) r.pgp.push(n);
    else if (n in KMS_SECRET_KEYS) r.kms.push(n);
    else {
      const want = wrongSuffix(n);
      if (want) r.wrong.push({ name: n, want }); else r.other.push(n);
    }
  }
  return r;
}

const FAILURE_TEXT = /failed to decrypt|Failed to get the data key|no identity matched any of the recipients|is SOPS encrypted, configuring decryption is required|sops metadata/i;

/** Whether a status or log message is a SOPS decryption failure (FLUX-FACTS §6). */
export function isDecryptFailure(message: string): boolean {
  return FAILURE_TEXT.test(message);
}

function describe(k: ObjectKey): string { return `Kustomization ${k.namespace}/${k.name}`; }

function shortList(xs: readonly string[]): string {
  return xs.length === 0 ? 'none' : xs.join(', ');
}

/** Checks the file against the `.sops.yaml` creation rule for its path. */
function creationRuleFindings(files: readonly WorkspaceFile[], f: SopsFile): DecryptFinding[] {
  const cfgFile = nearestSopsConfig(files, f.path);
  if (!cfgFile) return [];
  const cfg = parseSopsConfig(cfgFile.text);
  const out: DecryptFinding[] = cfg.errors.map((e) => ({ code: 'sops/creation-rule' as const, severity: 'warning' as const, message: `${cfgFile.path}: ${e.replace(/^\.sops\.yaml: /, '')}`, line: f.meta.line }));
  const dir = cfgFile.path === '.sops.yaml' ? '' : cfgFile.path.slice(0, -'/.sops.yaml'.length);
  const rel = dir ? f.path.slice(dir.length + 1) : f.path;
  const rule = matchCreationRule(cfg, rel);
  if (!rule) {
    if (cfg.rules.length > 0) out.push({ code: 'sops/creation-rule', severity: 'warning', line: f.meta.line, message: `${f.path}: no creation rule of ${cfgFile.path} matches '${rel}': sops cannot re-encrypt or update this file; add a path_regex that matches it` });
    return out;
  }
  for (const m of compareWithRule(f.meta, rule)) out.push({ code: 'sops/creation-rule', severity: 'warning', line: f.meta.line, message: `${f.path}: ${m.message.replace('.sops.yaml', cfgFile.path)}` });
  return out;
}

/** Unwraps the data key with a ring and verifies the MAC; the key is zeroed before returning. */
async function tryRing(ring: KeyRing, f: SopsFile): Promise<{ by: string; recipient: string; mac: { ok: boolean; reason?: string } } | undefined> {
  const got = await ring.unwrapDataKey(f.meta);
  if (!got) return undefined;
  try {
    return { by: got.by, recipient: `${got.key.type} ${got.key.id}`, mac: verifySopsMac(f.text, f.meta, got.dataKey) };
  } finally {
    got.dataKey.fill(0);
  }
}

export interface DecryptCheckInput {
  files: readonly WorkspaceFile[];
  /** Kustomizations of the workspace (offline mapping). */
  workspaceKustomizations: readonly KustomizationInfo[];
  /** The user's local identities (offline). */
  local?: { ring: KeyRing; looked: string[]; skipped: string[] };
  /** The cluster, when live. */
  cluster?: ClusterDecryptFacts;
  /** Limit the report to files applied by these Kustomizations (tree command). */
  only?: ObjectKey[];
  /**
   * The Kustomizations that apply a file (repo-relative path), from the fleet model; undefined when it does not
   * know the file. When it names none, the direct spec.path match stands in.
   */
  applying?: (path: string) => Array<{ name: string; namespace?: string }> | undefined;
}

const sameKey = (a: ObjectKey, b: ObjectKey): boolean => a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;

/** Runs the check. Pure over its inputs (the crypto runs in memory). */
export async function runDecryptCheck(input: DecryptCheckInput): Promise<DecryptReport> {
  const { sops, unreadable } = findSopsFiles(input.files);
  const notes: string[] = unreadable.map((p) => `${p}: has the SOPS markers but its sops metadata block cannot be read`);
  const live = input.cluster !== undefined;
  const kustomizations = input.cluster ? input.cluster.kustomizations : input.workspaceKustomizations;
  const clusterFailures: DecryptReport['clusterFailures'] = [];
  if (input.cluster) {
    for (const k of input.cluster.kustomizations) {
      if (k.ready?.status === 'False' && k.ready.message && isDecryptFailure(k.ready.message)) clusterFailures.push({ kustomization: k.key, source: 'status', message: k.ready.message });
      for (const m of input.cluster.logFailures.get(`${k.key.namespace}/${k.key.name}`) ?? []) clusterFailures.push({ kustomization: k.key, source: 'logs', message: m });
    }
  }
  if (input.local) {
    for (const u of input.local.ring.unreadable) notes.push(`local age identities: ${u.source}: ${u.reason}`);
    for (const s of input.local.skipped) notes.push(`local age identities: skipped ${s}`);
  }
  const files: FileReport[] = [];
  for (const f of sops) {
    const fromModel = input.applying?.(f.path)
      ?.map((key) => kustomizations.find((k) => k.key.name === key.name && (key.namespace === undefined || k.key.namespace === key.namespace)))
      .filter((k): k is KustomizationInfo => k !== undefined);
    let applying = fromModel && fromModel.length > 0 ? fromModel : kustomizationsApplying(kustomizations, f.path);
    if (input.only) {
      applying = applying.filter((k) => input.only!.some((o) => sameKey(o, k.key)));
      if (applying.length === 0) continue;
    }
    const findings: DecryptFinding[] = [];
    const line = f.meta.line;
    const recipients = listRecipients(f.meta.recipients);
    let decryptable = true;
    if (applying.length === 0) {
      findings.push({ code: 'sops/not-applied', severity: 'info', line, message: `${f.path}: no Flux Kustomization ${live ? `in cluster ${input.cluster!.context}` : 'in the workspace'} applies it (no spec.path contains it), so nothing decrypts it there` });
    }
    for (const k of applying) {
      if (k.provider !== 'sops') {
        decryptable = false;
        findings.push({ code: 'sops/decryption-not-configured', severity: 'error', line, kustomization: k.key, message: `${f.path} is SOPS-encrypted, but ${describe(k.key)} that applies it (spec.path '${k.path || '.'}') does not set spec.decryption.provider: sops: add decryption: {provider: sops, secretRef: {name: <secret with the key>}}` });
        continue;
      }
      if (!input.cluster) continue;
      if (!k.secretName) {
        const cloud = f.meta.recipients.kms.length + f.meta.recipients.gcp_kms.length + f.meta.recipients.azure_kv.length + f.meta.recipients.hc_vault.length > 0;
        if (cloud) {
          findings.push({ code: 'sops/unverified', severity: 'warning', line, kustomization: k.key, message: `${describe(k.key)} has no spec.decryption.secretRef: ${f.path} can only be decrypted through the controller's cloud identity (KMS), which cannot be checked from here` });
        } else {
          decryptable = false;
          findings.push({ code: 'sops/decryption-not-configured', severity: 'error', line, kustomization: k.key, message: `${describe(k.key)} sets provider sops but no spec.decryption.secretRef: the age/PGP keys ${f.path} needs (${shortList(recipients)}) must come from a Secret; set secretRef.name` });
        }
        continue;
      }
      const sk = input.cluster.secrets.get(`${k.key.namespace}/${k.secretName}`);
      const secretName = `Secret ${k.key.namespace}/${k.secretName}`;
      if (!sk || sk.state === 'missing') {
        decryptable = false;
        findings.push({ code: 'sops/secret-missing', severity: 'error', line, kustomization: k.key, message: `${secretName}, named in spec.decryption.secretRef of ${describe(k.key)}, does not exist: create it with the private key of one of ${shortList(recipients)} (e.g. key name age.agekey)` });
        continue;
      }
      if (sk.state === 'forbidden') {
        findings.push({ code: 'sops/unverified', severity: 'warning', line, kustomization: k.key, message: `${secretName} of ${describe(k.key)} cannot be read with your credentials (forbidden): whether the cluster can decrypt ${f.path} is unknown` });
        continue;
      }
      const cls = classifySecretKeys(sk.names);
      for (const w of cls.wrong) {
        findings.push({ code: 'sops/key-name-suffix', severity: 'error', line, kustomization: k.key, message: `${secretName} has key '${w.name}', which kustomize-controller ignores (it reads *.agekey, *.asc, sops.aws-kms, sops.gcp-kms, sops.azure-kv, sops.vault-token): rename it to '${w.want}'` });
      }
      const ring = sk.ring;
      let matched: string | undefined;
      if (ring) {
        const res = await tryRing(ring, f);
        if (res) {
          if (res.mac.ok) matched = `key ${res.by} (${res.recipient}; data key unwrapped, MAC verified)`;
          else {
            decryptable = false;
            findings.push({ code: 'sops/mac-mismatch', severity: 'error', line, kustomization: k.key, message: `${f.path}: the cluster's key ${res.by} in ${secretName} unwraps the data key, but ${res.mac.reason}` });
            continue;
          }
        }
        if (!matched) {
          const age = f.meta.recipients.age.find((r) => ring.ageFor(r));
          const pgp = f.meta.recipients.pgp.find((fp) => ring.pgpFor(fp));
          if (age) matched = `key ${ring.ageFor(age)!.source} (age ${age})`;
          else if (pgp) matched = `key ${ring.pgpFor(pgp)!.source} (pgp ${pgp}; fingerprint match, the key is passphrase-protected or the data key could not be unwrapped here)`;
        }
      }
      if (!matched) {
        for (const n of cls.kms) {
          const t = KMS_SECRET_KEYS[n];
          if (f.meta.recipients[t].length > 0) { matched = `credentials ${n} (${t} ${f.meta.recipients[t][0]}; cloud KMS access is not verified from here)`; break; }
        }
      }
      if (matched) {
        findings.push({ code: 'sops/cluster-can-decrypt', severity: 'info', line, kustomization: k.key, message: `${describe(k.key)} can decrypt ${f.path} with ${matched} from ${secretName}` });
        continue;
      }
      decryptable = false;
      const has = [
        ...(ring?.age.map((a) => `age ${a.recipient} (${a.source})`) ?? []),
        ...(ring?.pgp.map((p) => `pgp ${p.fingerprints[0]} (${p.source})`) ?? []),
        ...cls.kms,
      ];
      findings.push({ code: 'sops/no-matching-key', severity: 'error', line, kustomization: k.key, message: `${describe(k.key)} cannot decrypt ${f.path}: the file wants ${shortList(recipients)}; ${secretName} has ${shortList(has)}. Add the private key of one of the file's recipients to the Secret, or re-encrypt the file to the cluster's key (sops updatekeys)` });
    }
    for (const cf of clusterFailures) {
      if (applying.some((k) => sameKey(k.key, cf.kustomization))) {
        findings.push({ code: 'sops/cluster-failure', severity: 'error', line, kustomization: cf.kustomization, message: `${describe(cf.kustomization)} reports a decryption failure (${cf.source === 'status' ? 'Ready condition' : 'kustomize-controller log'}): ${cf.message}` });
      }
    }
    findings.push(...creationRuleFindings(input.files, f));
    if (input.local) {
      const res = await tryRing(input.local.ring, f);
      if (res?.mac.ok) {
        findings.push({ code: 'sops/local-can-decrypt', severity: 'info', line, message: `${f.path}: your local age identity from ${res.by} decrypts it (${res.recipient}; data key unwrapped, MAC verified)` });
      } else if (res) {
        decryptable = false;
        findings.push({ code: 'sops/mac-mismatch', severity: 'error', line, message: `${f.path}: your local identity from ${res.by} unwraps the data key, but ${res.mac.reason}; sops and kustomize-controller will refuse it` });
      } else {
        const looked = input.local.looked.length ? input.local.looked.join(', ') : 'none found (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt)';
        const n = input.local.ring.age.length;
        findings.push({
          code: 'sops/local-no-key', severity: 'info', line,
          message: n === 0
            ? `${f.path}: not verified locally: you have no local age identity (looked at ${looked}); put the key of one of its recipients ${shortList(recipients)} in SOPS_AGE_KEY_FILE or the default keys.txt`
            : `${f.path}: none of your ${n} local age identit${n === 1 ? 'y' : 'ies'} (${looked}) matches its recipients ${shortList(recipients)}; not verified locally`,
        });
      }
    }
    files.push({ file: f.path, format: f.meta.format, recipients, kustomizations: applying.map((k) => k.key), findings, decryptableWhereApplied: decryptable });
  }
  if (sops.length === 0) notes.unshift('no SOPS-encrypted files found (YAML, JSON, dotenv or INI with a sops MAC): nothing to check');
  else if (files.length === 0 && input.only) notes.unshift(`no SOPS-encrypted file of the workspace lies under the spec.path of ${input.only.map(describe).join(', ')}: nothing to check`);
  for (const cf of clusterFailures) {
    if (!files.some((fr) => fr.findings.some((x) => x.code === 'sops/cluster-failure' && x.kustomization && sameKey(x.kustomization, cf.kustomization)))) {
      notes.push(`${describe(cf.kustomization)} reports a decryption failure (${cf.source === 'status' ? 'Ready condition' : 'kustomize-controller log'}): ${cf.message}`);
    }
  }
  return { files, live, notes, clusterFailures, ok: files.every((f) => f.decryptableWhereApplied) };
}

/** Plain-text rendering of a report (CLI and the read-only report document). */
export function formatDecryptReport(r: DecryptReport, header?: string): string {
  const lines: string[] = [];
  if (header) lines.push(header, '');
  for (const n of r.notes) lines.push(`• ${n}`);
  if (r.notes.length) lines.push('');
  const mark: Record<DecryptSeverity, string> = { error: '✗', warning: '!', info: '✔' };
  for (const f of r.files) {
    lines.push(`${f.decryptableWhereApplied ? '✔' : '✗'} ${f.file}  [${f.format}; recipients: ${shortList(f.recipients)}]`);
    if (f.kustomizations.length) lines.push(`    applied by ${f.kustomizations.map((k) => `${k.namespace}/${k.name}`).join(', ')}`);
    for (const x of f.findings) {
      const m = x.severity === 'info' && !/can-decrypt/.test(x.code) ? '·' : mark[x.severity];
      lines.push(`    ${m} ${x.message}`);
    }
  }
  if (r.files.length) {
    const bad = r.files.filter((f) => !f.decryptableWhereApplied).length;
    lines.push('', bad === 0 ? `${r.files.length} encrypted file(s): every one can be decrypted where it is applied${r.live ? '' : ' (offline check)'}` : `${bad} of ${r.files.length} encrypted file(s) cannot be decrypted where they are applied`);
  }
  return `${lines.join('\n')}\n`;
}
