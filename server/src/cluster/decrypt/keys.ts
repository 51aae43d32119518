/**
 * Key material in memory: age identities (age-encryption) and armored PGP private keys (openpgp).
 * Only public facts leave this module: age recipients, PGP fingerprints, whether a data key unwraps.
 * Identities are held in {@link KeyRing} objects whose `dispose()` drops them; library errors are
 * replaced by fixed messages, so no key text can reach an exception message.
 */
import { Decrypter, armor, identityToRecipient } from 'age-encryption';
import * as openpgp from 'openpgp';
import type { SopsMasterKey, SopsMetadata } from '../../engine/sops';

/** One age identity, with where it came from (a file path, an env var or a Secret key name). */
export interface AgeIdentity {
  /** Public recipient derived from the identity. */
  recipient: string;
  /** Where it was found, e.g. `SOPS_AGE_KEY_FILE (/home/u/keys.txt)` or `age.agekey`. */
  source: string;
}

/** A set of private keys in memory. Never serialised (toJSON returns only the public parts). */
export class KeyRing {
  private ageSecrets: string[] = [];
  readonly age: AgeIdentity[] = [];
  private pgpKeys: openpgp.PrivateKey[] = [];
  /** PGP keys: the primary and subkey fingerprints (upper-case hex) with their source. */
  readonly pgp: { fingerprints: string[]; source: string }[] = [];
  /** Entries that could not be read: source and a fixed reason (never the text). */
  readonly unreadable: { source: string; reason: string }[] = [];

  /** Adds every `AGE-SECRET-KEY-1…` line of a text (comments and blank lines skipped). */
  async addAgeIdentities(text: string, source: string): Promise<number> {
    let n = 0;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      if (!/^AGE-SECRET-KEY-1[0-9A-Z]+$/.test(line) && !/^AGE-SECRET-KEY-PQ-1[0-9A-Z]+$/.test(line)) {
        this.unreadable.push({ source, reason: 'a line is not an age identity (AGE-SECRET-KEY-1…)' });
        continue;
      }
      try {
        const recipient = await identityToRecipient(line);
        this.ageSecrets.push(line);
        this.age.push({ recipient, source });
        n++;
      } catch {
        this.unreadable.push({ source, reason: 'an age identity is malformed' });
      }
    }
    return n;
  }

  /** Adds an armored PGP private key (one or several). Encrypted (passphrase) keys still give fingerprints. */
  async addPgpKeys(armored: string, source: string): Promise<number> {
    try {
      const keys = await openpgp.readPrivateKeys({ armoredKeys: armored });
      for (const k of keys) {
        this.pgpKeys.push(k);
        this.pgp.push({ fingerprints: [k.getFingerprint(), ...k.getSubkeys().map((s) => s.getFingerprint())].map((f) => f.toUpperCase()), source });
      }
      return keys.length;
    } catch {
      this.unreadable.push({ source, reason: 'not an armored PGP private key' });
      return 0;
    }
  }

  /** The identity whose recipient is `recipient`, if any (public info only). */
  ageFor(recipient: string): AgeIdentity | undefined {
    return this.age.find((a) => a.recipient === recipient);
  }

  /** The PGP key whose primary or subkey fingerprint matches `fp` (sops also accepts a fingerprint suffix of 16+ hex digits). */
  pgpFor(fp: string): { fingerprints: string[]; source: string } | undefined {
    const f = fp.toUpperCase();
    return this.pgp.find((k) => k.fingerprints.some((x) => x === f || (f.length >= 16 && x.endsWith(f))));
  }

  /**
   * Unwraps the file's data key with the first key of the ring that can (age first, then PGP, sops's
   * order). Returns the data key (caller zeroes it) and the public description of the key used.
   */
  async unwrapDataKey(meta: SopsMetadata): Promise<{ dataKey: Uint8Array; key: SopsMasterKey; by: string } | undefined> {
    for (const mk of meta.keys) {
      if (mk.type !== 'age' || !mk.enc) continue;
      const idx = this.age.findIndex((a) => a.recipient === mk.id);
      if (idx < 0) continue;
      try {
        const d = new Decrypter();
        d.addIdentity(this.ageSecrets[idx]);
        const dataKey = await d.decrypt(armor.decode(mk.enc));
        return { dataKey, key: mk, by: this.age[idx].source };
      } catch {
        /* a stale or corrupt stanza: try the next key */
      }
    }
    for (const mk of meta.keys) {
      if (mk.type !== 'pgp' || !mk.enc) continue;
      const ki = this.pgp.findIndex((k) => k.fingerprints.some((x) => x === mk.id || (mk.id.length >= 16 && x.endsWith(mk.id))));
      if (ki < 0 || !this.pgpKeys[ki].isDecrypted()) continue;
      try {
        const message = await openpgp.readMessage({ armoredMessage: mk.enc });
        const { data } = await openpgp.decrypt({ message, decryptionKeys: this.pgpKeys[ki], format: 'binary' });
        return { dataKey: data as Uint8Array, key: mk, by: this.pgp[ki].source };
      } catch {
        /* not decryptable with this key */
      }
    }
    return undefined;
  }

  /** Drops every private key. The strings themselves are immutable in JS and are left to the GC. */
  dispose(): void {
    this.ageSecrets = [];
    this.pgpKeys = [];
  }

  /** Only public facts, should a ring ever be logged by mistake. */
  toJSON(): unknown {
    return { age: this.age, pgp: this.pgp, unreadable: this.unreadable };
  }
}
