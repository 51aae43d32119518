/**
 * SOPS file detection and metadata reading (FLUX-FACTS §6). Pure functions over file text: no I/O,
 * no crypto, no vscode. Shared by the decrypt-check (cluster/decrypt) and the SOPS hygiene rules.
 *
 * Nothing here ever decrypts: the metadata block holds only public recipients, encrypted data keys and
 * the encrypted MAC, so every value returned is safe to show.
 */
import { isMap, isSeq, parseAllDocuments, type Node } from 'yaml';

/** The SOPS text formats Flux decrypts (binary files are out of scope). */
export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini';

/** The master-key kinds of a SOPS file, spelled as in the metadata block. */
export type SopsKeyType = 'age' | 'pgp' | 'kms' | 'gcp_kms' | 'azure_kv' | 'hc_vault';

/** Every key type, in sops's decryption order (age, then PGP, then the rest as listed). */
export const SOPS_KEY_TYPES: readonly SopsKeyType[] = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault'];

/** Recipient identifiers per key type: age public keys, PGP fingerprints (upper case), KMS key ids. */
export type SopsRecipients = Record<SopsKeyType, string[]>;

/** One master key of the file: its public identifier and the data key encrypted to it. */
export interface SopsMasterKey {
  type: SopsKeyType;
  /** age recipient, PGP fingerprint (upper case, no spaces), KMS ARN, GCP resource id, Azure key URL or Vault key URL. */
  id: string;
  /** The encrypted data key (an armored age file or PGP message for age/pgp); not secret. */
  enc?: string;
  /** Index of the key group (0 when the file has no `key_groups`). */
  group: number;
}

/** The `sops` metadata block of an encrypted file. */
export interface SopsMetadata {
  format: SopsFormat;
  recipients: SopsRecipients;
  keys: SopsMasterKey[];
  /** Number of key groups (1 without `key_groups`). */
  keyGroups: number;
  shamirThreshold?: number;
  /** The encrypted MAC, `ENC[AES256_GCM,...]`. */
  mac?: string;
  lastModified?: string;
  version?: string;
  encryptedRegex?: string;
  unencryptedRegex?: string;
  encryptedSuffix?: string;
  unencryptedSuffix?: string;
  encryptedCommentRegex?: string;
  unencryptedCommentRegex?: string;
  macOnlyEncrypted: boolean;
  /** 0-based line of the metadata block (the `sops:` key, `"sops"`, `sops_mac=` or `[sops]`), for diagnostics. */
  line: number;
}

/** The file format from a path's extension, as sops chooses it; undefined for anything else. */
export function sopsFormatForPath(path: string): SopsFormat | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  const ext = m ? m[1].toLowerCase() : '';
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'json') return 'json';
  if (ext === 'env') return 'dotenv';
  if (ext === 'ini') return 'ini';
  return undefined;
}

const MARKERS: Record<SopsFormat, RegExp> = {
  yaml: /^[ \t]*mac:[ \t]*['"]?ENC\[/m,
  json: /"mac"[ \t]*:[ \t]*"ENC\[/,
  dotenv: /^sops_mac=ENC\[/m,
  ini: /^[ \t]*\[sops\][ \t]*$/m,
};

/**
 * Whether the text is a SOPS-encrypted file, by kustomize-controller's markers: `mac: ENC[` (YAML),
 * `"mac": "ENC[` (JSON), `sops_mac=ENC[` (dotenv), `[sops]` (INI). Cheap enough for every file of a workspace.
 */
export function isSopsEncrypted(text: string, format: SopsFormat): boolean {
  if (format === 'yaml') return MARKERS.yaml.test(text) && /^sops:/m.test(text);
  return MARKERS[format].test(text);
}

function emptyRecipients(): SopsRecipients {
  return { age: [], pgp: [], kms: [], gcp_kms: [], azure_kv: [], hc_vault: [] };
}

type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

function str(v: Plain | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

/** The public identifier of one master-key entry of the metadata block. */
function keyId(type: SopsKeyType, e: Record<string, Plain>): string | undefined {
  switch (type) {
    case 'age': return str(e.recipient);
    case 'pgp': return str(e.fp)?.replace(/\s+/g, '').toUpperCase();
    case 'kms': return str(e.arn);
    case 'gcp_kms': return str(e.resource_id);
    case 'azure_kv': {
      const url = str(e.vault_url); const name = str(e.name);
      if (!url || !name) return undefined;
      const version = str(e.version);
      return `${url.replace(/\/+$/, '')}/keys/${name}${version ? `/${version}` : ''}`;
    }
    case 'hc_vault': {
      const addr = str(e.vault_address); const name = str(e.key_name);
      if (!addr || !name) return undefined;
      return `${addr.replace(/\/+$/, '')}/v1/${str(e.engine_path) ?? 'sops'}/keys/${name}`;
    }
  }
}

function isRecord(v: Plain | undefined): v is Record<string, Plain> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Builds the metadata from the `sops` map (YAML/JSON, or the un-flattened dotenv/INI keys). */
function fromMap(sops: Record<string, Plain>, format: SopsFormat, line: number): SopsMetadata {
  const recipients = emptyRecipients();
  const keys: SopsMasterKey[] = [];
  const addGroup = (g: Record<string, Plain>, group: number): void => {
    for (const type of SOPS_KEY_TYPES) {
      const list = g[type];
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        if (!isRecord(e)) continue;
        const id = keyId(type, e);
        if (!id) continue;
        keys.push({ type, id, enc: str(e.enc), group });
        if (!recipients[type].includes(id)) recipients[type].push(id);
      }
    }
  };
  const groups = Array.isArray(sops.key_groups) ? sops.key_groups.filter(isRecord) : [];
  if (groups.length > 0) groups.forEach((g, i) => addGroup(g, i));
  else addGroup(sops, 0);
  const threshold = Number(str(sops.shamir_threshold));
  return {
    format, recipients, keys, keyGroups: Math.max(groups.length, 1),
    shamirThreshold: Number.isInteger(threshold) && threshold > 0 ? threshold : undefined,
    mac: str(sops.mac), lastModified: str(sops.lastmodified), version: str(sops.version),
    encryptedRegex: str(sops.encrypted_regex), unencryptedRegex: str(sops.unencrypted_regex),
    encryptedSuffix: str(sops.encrypted_suffix), unencryptedSuffix: str(sops.unencrypted_suffix),
    encryptedCommentRegex: str(sops.encrypted_comment_regex), unencryptedCommentRegex: str(sops.unencrypted_comment_regex),
    macOnlyEncrypted: sops.mac_only_encrypted === true || sops.mac_only_encrypted === 'true',
    line,
  };
}

/**
 * Rebuilds a nested map from sops's flattened dotenv/INI keys: `age__list_0__map_recipient` becomes
 * `age[0].recipient`.
 */
export function unflattenSopsKeys(flat: Map<string, string>): Record<string, Plain> {
  const root: Record<string, Plain> = {};
  for (const [key, value] of flat) {
    const parts = key.split(/__(?=list_\d+__|map_)/);
    let cur: Record<string, Plain> | Plain[] = root;
    let pending: string | number = parts[0];
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i];
      const list = /^list_(\d+)$/.exec(p.replace(/__$/, ''));
      const next: string | number = list ? Number(list[1]) : p.replace(/^map_/, '');
      const container: Plain[] | Record<string, Plain> = typeof next === 'number' ? [] : {};
      const existing: Plain | undefined = Array.isArray(cur) ? cur[pending as number] : cur[pending as string];
      const child = existing !== undefined && typeof existing === 'object' && existing !== null ? existing : container;
      if (Array.isArray(cur)) cur[pending as number] = child; else cur[pending as string] = child;
      cur = child as Record<string, Plain> | Plain[];
      pending = next;
    }
    if (Array.isArray(cur)) cur[pending as number] = value; else cur[pending as string] = value;
  }
  return root;
}

/** dotenv values escape newlines as `\n` (the armored data keys span lines). */
function unescapeDotenv(v: string): string {
  return v.replace(/\\n/g, '\n');
}

function yamlPlain(n: Node | null | undefined): Plain | undefined {
  if (!n) return undefined;
  const v = (n as { toJSON?: () => unknown }).toJSON?.();
  return v as Plain;
}

/**
 * Reads the `sops` metadata block. Returns undefined when the text has no metadata block with a MAC
 * (not a SOPS file, or one too broken to read). Never throws.
 */
export function readSopsMetadata(text: string, format: SopsFormat): SopsMetadata | undefined {
  try {
    if (format === 'yaml' || format === 'json') {
      const docs = parseAllDocuments(text, { uniqueKeys: false, strict: false });
      const list = Array.isArray(docs) ? docs : [docs];
      for (const doc of list) {
        const contents = doc.contents;
        if (!isMap(contents)) continue;
        const pair = contents.items.find((p) => (p.key as { value?: unknown } | null)?.value === 'sops');
        if (!pair || !isMap(pair.value)) continue;
        const sops = yamlPlain(pair.value as Node);
        if (!isRecord(sops) || str(sops.mac) === undefined) continue;
        const offset = (pair.key as Node).range?.[0] ?? 0;
        return fromMap(sops, format, lineAt(text, offset));
      }
      return undefined;
    }
    const flat = new Map<string, string>();
    let line = -1;
    const lines = text.split(/\r?\n/);
    if (format === 'dotenv') {
      lines.forEach((l, i) => {
        const m = /^sops_([A-Za-z0-9_]+)=(.*)$/.exec(l);
        if (!m) return;
        flat.set(m[1], unescapeDotenv(m[2]));
        if (m[1] === 'mac') line = i;
      });
    } else {
      let inSops = false;
      lines.forEach((l, i) => {
        const section = /^\s*\[([^\]]*)\]\s*$/.exec(l);
        if (section) { inSops = section[1].trim() === 'sops'; if (inSops) line = i; return; }
        if (!inSops) return;
        const m = /^\s*([A-Za-z0-9_]+)\s*=\s?(.*)$/.exec(l);
        if (m) flat.set(m[1], unescapeDotenv(m[2].trimEnd()));
      });
    }
    const sops = unflattenSopsKeys(flat);
    if (str(sops.mac) === undefined) return undefined;
    return fromMap(sops, format, Math.max(line, 0));
  } catch {
    return undefined;
  }
}

function lineAt(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Every recipient of the metadata as `type:id` strings, for messages and comparisons. */
export function listRecipients(r: SopsRecipients): string[] {
  return SOPS_KEY_TYPES.flatMap((t) => r[t].map((id) => `${t}:${id}`));
}

/** The data-structure walk of a YAML/JSON SOPS document, in sops's order, for MAC verification. */
export interface SopsLeaf {
  /** Keys from the document root; list items do not add a path element (as in sops). */
  path: string[];
  value: string | number | boolean;
}

/**
 * The leaves of a YAML/JSON SOPS file (every document, without its `sops` key), in document order, as
 * sops walks them for the MAC; dotenv/INI files as their key/value pairs (INI: section, key). Comments
 * are not part of the MAC and are skipped; null values are skipped as sops does.
 */
export function sopsLeaves(text: string, format: SopsFormat): SopsLeaf[] {
  const out: SopsLeaf[] = [];
  if (format === 'dotenv') {
    for (const l of text.split(/\r?\n/)) {
      if (l.startsWith('#') || l.startsWith('sops_')) continue;
      const i = l.indexOf('=');
      if (i > 0) out.push({ path: [l.slice(0, i)], value: unescapeDotenv(l.slice(i + 1)) });
    }
    return out;
  }
  if (format === 'ini') {
    let section = 'DEFAULT';
    for (const l of text.split(/\r?\n/)) {
      const s = /^\s*\[([^\]]*)\]\s*$/.exec(l);
      if (s) { section = s[1].trim(); continue; }
      if (section === 'sops' || /^\s*[#;]/.test(l)) continue;
      const m = /^\s*([^=]+?)\s*=\s?(.*)$/.exec(l);
      if (m) out.push({ path: [section, m[1]], value: m[2].trimEnd() });
    }
    return out;
  }
  const walk = (v: Plain | undefined, path: string[]): void => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) { for (const x of v) walk(x, path); return; }
    if (typeof v === 'object') { for (const [k, x] of Object.entries(v)) walk(x, [...path, k]); return; }
    out.push({ path, value: v });
  };
  const docs = parseAllDocuments(text, { uniqueKeys: false, strict: false });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const contents = doc.contents;
    if (!isMap(contents) && !isSeq(contents)) continue;
    if (isMap(contents)) {
      for (const p of contents.items) {
        const key = (p.key as { value?: unknown } | null)?.value;
        if (key === 'sops') continue;
        walk(yamlPlain(p.value as Node), [String(key)]);
      }
    } else {
      walk(yamlPlain(contents), []);
    }
  }
  return out;
}

/** An `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` value split into its base64 parts. */
export interface SopsEncryptedValue { data: string; iv: string; tag: string; type: string }

/** Parses a SOPS encrypted value; undefined for anything else. */
export function parseEncryptedValue(v: string): SopsEncryptedValue | undefined {
  const m = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]+),tag:([^,]+),type:([a-z0-9]+)\]$/.exec(v);
  return m ? { data: m[1], iv: m[2], tag: m[3], type: m[4] } : undefined;
}

/**
 * The metadata of an already parsed `sops` map (the fleet model keeps each encrypted document's plain `sops`
 * value, so it need not parse the file again). Undefined without a MAC.
 */
export function sopsMetadataFromValue(sops: unknown, format: SopsFormat, line: number): SopsMetadata | undefined {
  if (!isRecord(sops as Plain) || str((sops as Record<string, Plain>).mac) === undefined) return undefined;
  return fromMap(sops as Record<string, Plain>, format, line);
}
