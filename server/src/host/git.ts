/**
 * Git facts the adapters (CLI, LSP server) feed the fleet model, read from the file system: never by running git.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The nearest folder at or above `dir` that holds `.git`. */
export function gitRootAbove(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The remote URLs in a repository's `.git/config`. */
export function remotesOf(root: string): string[] {
  try {
    const config = readFileSync(path.join(root, '.git', 'config'), 'utf8');
    return [...config.matchAll(/^\s*url\s*=\s*(.+?)\s*$/gm)].map((m) => m[1]!);
  } catch {
    return [];
  }
}
