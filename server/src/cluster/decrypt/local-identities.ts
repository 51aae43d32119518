/**
 * The user's local age identities, read in sops's order: `SOPS_AGE_KEY` (the identities themselves),
 * `SOPS_AGE_KEY_FILE`, then the user config file (`$XDG_CONFIG_HOME/sops/age/keys.txt`, else
 * `~/.config/sops/age/keys.txt`, on macOS `~/Library/Application Support/sops/age/keys.txt`).
 * `SOPS_AGE_KEY_CMD` is never run (no shell with user-controlled strings): it is reported as skipped.
 * The keys stay in a {@link KeyRing}; sources are described without their contents.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KeyRing } from './keys';

export interface LocalIdentitySources {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
}

/** What was looked at, for the report (paths and env var names only). */
export interface LocalIdentityScan {
  ring: KeyRing;
  looked: string[];
  skipped: string[];
}

export function defaultAgeKeyFile(src: LocalIdentitySources = {}): string {
  const env = src.env ?? process.env;
  const home = src.home ?? os.homedir();
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'sops', 'age', 'keys.txt');
  if ((src.platform ?? process.platform) === 'darwin') return path.join(home, 'Library', 'Application Support', 'sops', 'age', 'keys.txt');
  return path.join(home, '.config', 'sops', 'age', 'keys.txt');
}

export async function loadLocalAgeIdentities(src: LocalIdentitySources = {}): Promise<LocalIdentityScan> {
  const env = src.env ?? process.env;
  const ring = new KeyRing();
  const looked: string[] = [];
  const skipped: string[] = [];
  if (env.SOPS_AGE_KEY) {
    looked.push('SOPS_AGE_KEY');
    await ring.addAgeIdentities(env.SOPS_AGE_KEY, 'SOPS_AGE_KEY');
  }
  const readFile = async (file: string, label: string): Promise<void> => {
    looked.push(label);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') ring.unreadable.push({ source: label, reason: `cannot read (${code ?? 'error'})` });
      else {
        looked[looked.length - 1] = `${label} (not found)`; // the report must not read as if a key file were there
        if (label.startsWith('SOPS_AGE_KEY_FILE')) ring.unreadable.push({ source: label, reason: 'the file does not exist' });
      }
      return;
    }
    await ring.addAgeIdentities(text, label);
  };
  if (env.SOPS_AGE_KEY_FILE) await readFile(env.SOPS_AGE_KEY_FILE, `SOPS_AGE_KEY_FILE (${env.SOPS_AGE_KEY_FILE})`);
  if (env.SOPS_AGE_KEY_CMD) skipped.push('SOPS_AGE_KEY_CMD (not run: Flux Workbench never runs commands from the environment)');
  const def = defaultAgeKeyFile(src);
  await readFile(def, def);
  return { ring, looked, skipped };
}
