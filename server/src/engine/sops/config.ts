/**
 * `.sops.yaml` creation rules: parse the file and find the rule sops would use for a path, then compare a
 * file's metadata with it. Pure functions over text (no I/O), shared by the decrypt-check and the SOPS
 * hygiene rules.
 */
import { parseDocument } from 'yaml';
import { SOPS_KEY_TYPES, type SopsKeyType, type SopsMetadata, type SopsRecipients } from './metadata';

/** One `creation_rules[]` entry. */
export interface SopsCreationRule {
  /** Position in `creation_rules` (0-based). */
  index: number;
  /** 0-based line of the rule in `.sops.yaml`. */
  line: number;
  pathRegex?: string;
  /** All recipients of the rule, over its key groups. */
  recipients: SopsRecipients;
  encryptedRegex?: string;
  unencryptedRegex?: string;
  encryptedSuffix?: string;
  unencryptedSuffix?: string;
}

/** A parsed `.sops.yaml`. `errors` name the rule and the field (never fatal: the other rules still count). */
export interface SopsConfig {
  rules: SopsCreationRule[];
  errors: string[];
}

type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

function isRecord(v: unknown): v is Record<string, Plain> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Recipient lists in `.sops.yaml` are comma-separated strings or (sops ≥ 3.9) YAML lists. */
function splitList(v: Plain | undefined): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v.map((x) => (isRecord(x) ? '' : String(x))) : String(v).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** Key names of a rule (or a key group) per key type. Key groups spell some of them differently. */
const RULE_KEYS: Record<SopsKeyType, string[]> = {
  age: ['age'],
  pgp: ['pgp'],
  kms: ['kms'],
  gcp_kms: ['gcp_kms'],
  azure_kv: ['azure_keyvault', 'azure_kv'],
  hc_vault: ['hc_vault_transit_uri', 'hc_vault', 'vault'],
};

function addRecipients(into: SopsRecipients, src: Record<string, Plain>): void {
  for (const type of SOPS_KEY_TYPES) {
    for (const k of RULE_KEYS[type]) {
      const v = src[k];
      const ids = Array.isArray(v) && v.some(isRecord)
        ? v.filter(isRecord).map((e) => String(e.arn ?? e.resource_id ?? e.recipient ?? e.fp ?? (e.vaultUrl ? `${String(e.vaultUrl)}/keys/${String(e.key)}/${String(e.version ?? '')}` : '')))
        : splitList(v);
      for (let id of ids) {
        if (type === 'pgp') id = id.replace(/\s+/g, '').toUpperCase();
        if (id && !into[type].includes(id)) into[type].push(id);
      }
    }
  }
}

/** Parses `.sops.yaml`. Never throws: a broken file gives no rules and an error naming the problem. */
export function parseSopsConfig(text: string): SopsConfig {
  const errors: string[] = [];
  let root: unknown;
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length > 0) return { rules: [], errors: [`.sops.yaml: ${doc.errors[0].message.split('\n')[0]}`] };
    root = doc.toJSON();
  } catch (e) {
    return { rules: [], errors: [`.sops.yaml: ${(e as Error).message}`] };
  }
  if (!isRecord(root)) return { rules: [], errors: root === null || root === undefined ? [] : ['.sops.yaml: the top level is not a map'] };
  const list = root.creation_rules;
  if (list === undefined || list === null) return { rules: [], errors };
  if (!Array.isArray(list)) return { rules: [], errors: ['.sops.yaml: creation_rules is not a list'] };
  const seq = doc.get('creation_rules', true) as { items?: { range?: [number, number, number] }[] } | undefined;
  const rules: SopsCreationRule[] = [];
  list.forEach((r, index) => {
    if (!isRecord(r)) { errors.push(`.sops.yaml: creation_rules[${index}] is not a map`); return; }
    const recipients: SopsRecipients = { age: [], pgp: [], kms: [], gcp_kms: [], azure_kv: [], hc_vault: [] };
    addRecipients(recipients, r);
    if (Array.isArray(r.key_groups)) for (const g of r.key_groups) if (isRecord(g)) addRecipients(recipients, g);
    const s = (k: string): string | undefined => (typeof r[k] === 'string' && r[k] !== '' ? (r[k] as string) : undefined);
    const pathRegex = s('path_regex');
    if (pathRegex !== undefined && toJsRegExp(pathRegex) === undefined) {
      errors.push(`.sops.yaml: creation_rules[${index}].path_regex '${pathRegex}' is not a valid regular expression`);
    }
    const offset = seq?.items?.[index]?.range?.[0] ?? 0;
    rules.push({
      index, line: text.slice(0, offset).split('\n').length - 1, pathRegex, recipients,
      encryptedRegex: s('encrypted_regex'), unencryptedRegex: s('unencrypted_regex'),
      encryptedSuffix: s('encrypted_suffix'), unencryptedSuffix: s('unencrypted_suffix'),
    });
  });
  return { rules, errors };
}

/**
 * Converts a Go (RE2) regular expression to a JavaScript one: leading inline flags `(?i)`, `(?s)`, `(?m)`
 * become flags; the rest of RE2's syntax is a subset of JavaScript's. Undefined when it does not compile.
 */
export function toJsRegExp(goRegex: string): RegExp | undefined {
  let src = goRegex;
  let flags = '';
  const m = /^\(\?([ims]+)\)/.exec(src);
  if (m) { flags = [...new Set(m[1])].join(''); src = src.slice(m[0].length); }
  try { return new RegExp(src, flags); } catch { return undefined; }
}

/**
 * The creation rule sops uses for a file: the first rule without `path_regex` or whose `path_regex`
 * matches (unanchored, like Go's MatchString) the file's path relative to the `.sops.yaml` folder.
 * `relPath` uses `/` separators.
 */
export function matchCreationRule(config: SopsConfig, relPath: string): SopsCreationRule | undefined {
  for (const r of config.rules) {
    if (r.pathRegex === undefined) return r;
    if (toJsRegExp(r.pathRegex)?.test(relPath)) return r;
  }
  return undefined;
}

/** One difference between a file's metadata and the creation rule for its path. */
export interface SopsRuleMismatch {
  kind: 'recipient-missing' | 'recipient-extra' | 'encrypted-regex';
  /** e.g. `age:age1…` for recipients, the regex field name for the rest. */
  subject: string;
  message: string;
}

/**
 * Compares a file's metadata with its creation rule: every recipient of the rule must be one of the
 * file's, the file must have no recipient the rule lacks (the file was encrypted under another rule or
 * the rule changed without `sops updatekeys`), and the `*_regex`/`*_suffix` settings must be equal.
 */
export function compareWithRule(meta: SopsMetadata, rule: SopsCreationRule): SopsRuleMismatch[] {
  const out: SopsRuleMismatch[] = [];
  const where = `.sops.yaml creation_rules[${rule.index}]${rule.pathRegex ? ` (path_regex '${rule.pathRegex}')` : ''}`;
  for (const type of SOPS_KEY_TYPES) {
    for (const id of rule.recipients[type]) {
      if (!meta.recipients[type].includes(id)) {
        out.push({ kind: 'recipient-missing', subject: `${type}:${id}`, message: `${where} lists ${type} recipient ${id}, but the file is not encrypted to it: run 'sops updatekeys' on the file` });
      }
    }
    for (const id of meta.recipients[type]) {
      if (!rule.recipients[type].includes(id)) {
        out.push({ kind: 'recipient-extra', subject: `${type}:${id}`, message: `the file is encrypted to ${type} recipient ${id}, which ${where} does not list: run 'sops updatekeys' or fix the rule` });
      }
    }
  }
  const fields: [keyof SopsCreationRule & keyof SopsMetadata, string][] = [
    ['encryptedRegex', 'encrypted_regex'], ['unencryptedRegex', 'unencrypted_regex'],
    ['encryptedSuffix', 'encrypted_suffix'], ['unencryptedSuffix', 'unencrypted_suffix'],
  ];
  for (const [k, name] of fields) {
    const want = rule[k] as string | undefined;
    const have = meta[k] as string | undefined;
    // sops records the default unencrypted_suffix `_unencrypted` when no regex/suffix was configured.
    const norm = (v: string | undefined): string | undefined => (k === 'unencryptedSuffix' && v === '_unencrypted' ? undefined : v);
    if (norm(want) !== norm(have)) {
      out.push({ kind: 'encrypted-regex', subject: name, message: `${where} sets ${name} ${want === undefined ? '(none)' : `'${want}'`}, but the file was encrypted with ${have === undefined ? 'none' : `'${have}'`}: re-encrypt the file (sops decrypt, then sops encrypt) so the right values are encrypted` });
    }
  }
  return out;
}
