/**
 * SOPS value decryption and MAC verification, in memory only (node:crypto AES-256-GCM and SHA-512).
 * Decrypted values never leave this module: callers get a verdict, never plaintext. Every buffer that
 * held plaintext is zeroed before returning.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { parseEncryptedValue, sopsLeaves, type SopsMetadata } from '../../engine/sops';
import { toJsRegExp } from '../../engine/sops/config';

/** Fixed prefix of the MAC when `mac_only_encrypted` is set: sha256("sops") (sops ≥ 3.9). */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

/**
 * Decrypts one `ENC[AES256_GCM,…]` value with the data key and the additional data sops binds to it
 * (the key path joined by `:` plus a trailing `:`, or `lastmodified` for the MAC). The caller must zero
 * the returned buffer. Throws a message without any value when authentication fails.
 */
export function decryptSopsValue(value: string, dataKey: Uint8Array, additionalData: string): Buffer {
  if (value === '') return Buffer.alloc(0);
  const v = parseEncryptedValue(value);
  if (!v) throw new Error('not a SOPS AES256_GCM value');
  const iv = Buffer.from(v.iv, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', dataKey, iv);
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(Buffer.from(v.tag, 'base64'));
  const head = decipher.update(Buffer.from(v.data, 'base64'));
  try {
    const tail = decipher.final();
    const out = Buffer.concat([head, tail]);
    head.fill(0); tail.fill(0);
    return out;
  } catch {
    head.fill(0);
    throw new Error('authentication failed (wrong data key, or the value was edited)');
  }
}

/** Result of a MAC check. `reason` never holds a value. */
export interface MacVerdict { ok: boolean; reason?: string }

/** Which values sops encrypted, from the metadata's suffix/regex settings (comment regexes not applied). */
function encryptedByMetadata(meta: SopsMetadata): (path: string[]) => boolean {
  const unSuffix = meta.unencryptedSuffix;
  const encSuffix = meta.encryptedSuffix;
  const unRe = meta.unencryptedRegex ? toJsRegExp(meta.unencryptedRegex) : undefined;
  const encRe = meta.encryptedRegex ? toJsRegExp(meta.encryptedRegex) : undefined;
  return (path) => {
    let enc = true;
    if (unSuffix && path.some((p) => p.endsWith(unSuffix))) enc = false;
    if (encSuffix) enc = path.some((p) => p.endsWith(encSuffix));
    if (unRe && path.some((p) => unRe.test(p))) enc = false;
    if (encRe) enc = path.some((p) => encRe.test(p));
    return enc;
  };
}

function leafBytes(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/**
 * Verifies a file's MAC with its data key: decrypts every encrypted value (authenticating it against its
 * key path), hashes the values as sops does, and compares with the decrypted stored MAC. Plaintext stays
 * in buffers that are zeroed as soon as they are hashed.
 */
export function verifySopsMac(text: string, meta: SopsMetadata, dataKey: Uint8Array): MacVerdict {
  if (!meta.mac) return { ok: false, reason: 'the file has no MAC' };
  const shouldEncrypt = encryptedByMetadata(meta);
  const hash = createHash('sha512');
  if (meta.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  const lineBased = meta.format === 'dotenv' || meta.format === 'ini';
  for (const leaf of sopsLeaves(text, meta.format)) {
    const isEnc = typeof leaf.value === 'string' && leaf.value.startsWith('ENC[AES256_GCM,');
    const encrypted = lineBased ? isEnc : shouldEncrypt(leaf.path);
    if (encrypted) {
      if (typeof leaf.value !== 'string' || (leaf.value !== '' && !isEnc)) {
        return { ok: false, reason: `${leaf.path.join('.')} should be encrypted by the file's own settings but is plain text` };
      }
      let plain: Buffer;
      try {
        plain = decryptSopsValue(leaf.value, dataKey, `${leaf.path.join(':')}:`);
      } catch (e) {
        return { ok: false, reason: `value at ${leaf.path.join('.')}: ${(e as Error).message}` };
      }
      hash.update(plain);
      plain.fill(0);
    } else if (!meta.macOnlyEncrypted) {
      hash.update(leafBytes(leaf.value));
    }
  }
  const computed = hash.digest('hex').toUpperCase();
  let stored: Buffer;
  try {
    stored = decryptSopsValue(meta.mac, dataKey, macAdditionalData(meta.lastModified ?? ''));
  } catch (e) {
    return { ok: false, reason: `the MAC: ${(e as Error).message}` };
  }
  const ok = stored.toString('utf8') === computed;
  stored.fill(0);
  return ok ? { ok } : { ok: false, reason: 'MAC mismatch: the file was edited after it was encrypted (re-encrypt it with sops)' };
}

/** sops binds the MAC to `lastmodified` formatted as Go's RFC 3339 (whole seconds). */
function macAdditionalData(lastModified: string): string {
  const t = Date.parse(lastModified);
  if (Number.isNaN(t)) return lastModified;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/.test(lastModified)) return lastModified;
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}
