/**
 * Feeds the fleet model from the disk for the CLI: every file below the given paths (YAML files analysed, the
 * others only known to exist, since kustomize reads generator files and checks paths), the git roots above or
 * below them, and their remotes' URLs (read from `.git/config`, never by running git).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FluxEngine } from '../engine/engine';
import type { FluxDiagnostic } from '../engine/types';
import { gitRootAbove, remotesOf } from '../host/git';

/** Files larger than this are reported and skipped rather than analysed. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** Files read at most: a tree larger than this is cut, and the cut is reported. */
export const MAX_FILES = 50_000;
const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform', 'vendor']);
const YAML_FILE = /\.ya?ml$/i;

export interface DiskFile {
  /** The path as given on the command line, joined (for output). */
  display: string;
  /** Absolute, with `/` separators (the model's key). */
  key: string;
  yaml: boolean;
}

export interface DiskWorkspace {
  files: DiskFile[];
  workspaceRoots: string[];
  gitRoots: string[];
  remotes: string[];
  /** Paths that do not exist or cannot be read: the CLI exits 2. */
  missing: string[];
  /** Other I/O problems and limits (printed, not fatal). */
  problems: string[];
}

export const toKey = (p: string): string => path.resolve(p).split(path.sep).join('/');

export function readDiskWorkspace(paths: string[]): DiskWorkspace {
  const ws: DiskWorkspace = { files: [], workspaceRoots: [], gitRoots: [], remotes: [], missing: [], problems: [] };
  const gitRoots = new Set<string>();
  const seen = new Set<string>();
  let cut = false;
  const walk = (p: string): void => {
    if (ws.files.length >= MAX_FILES) { cut = true; return; }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      ws.problems.push(`${p}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    if (st.isFile()) {
      const key = toKey(p);
      if (seen.has(key)) return;
      seen.add(key);
      ws.files.push({ display: p, key, yaml: YAML_FILE.test(p) });
      return;
    }
    if (!st.isDirectory()) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(p, { withFileTypes: true });
    } catch (err) {
      ws.problems.push(`${p}: cannot list (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    if (entries.some((e) => e.name === '.git')) gitRoots.add(path.resolve(p));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = path.join(p, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(child);
      } else if (e.isFile()) {
        walk(child);
      }
    }
  };
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      ws.missing.push(`${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`}`);
      continue;
    }
    if (!st.isFile() && !st.isDirectory()) {
      ws.missing.push(`${p}: not a file or directory`);
      continue;
    }
    const dir = st.isDirectory() ? p : path.dirname(p);
    ws.workspaceRoots.push(toKey(dir));
    const above = gitRootAbove(dir);
    if (above) gitRoots.add(above);
    walk(p);
  }
  if (cut) ws.problems.push(`stopped after ${MAX_FILES.toLocaleString('en-US')} files: the rest of the tree was not analysed (lint a smaller folder)`);
  ws.gitRoots = [...gitRoots].map(toKey);
  for (const g of gitRoots) ws.remotes.push(...remotesOf(g));
  return ws;
}

/** One file's diagnostics, keyed for output. */
export interface FileResult {
  file: DiskFile;
  diagnostics: FluxDiagnostic[];
}

/**
 * Analyses a disk workspace through the engine's fleet model: every YAML file once (per-file diagnostics and
 * facts from one parse), then each file's adjusted and cross-file diagnostics.
 */
export function analyzeDiskWorkspace(ws: DiskWorkspace, engine: FluxEngine, opts: { diagnostics?: boolean } = {}): FileResult[] {
  const model = engine.workspace;
  model.setRepo({ workspaceRoots: ws.workspaceRoots, gitRoots: ws.gitRoots, remotes: ws.remotes });
  const local = new Map<string, FluxDiagnostic[]>();
  const texts = new Map<string, string>();
  for (const f of ws.files) {
    if (!f.yaml) {
      model.setFile(f.key, null);
      continue;
    }
    try {
      const size = fs.statSync(f.display).size;
      if (size > MAX_FILE_BYTES) {
        ws.problems.push(`${f.display}: skipped, ${Math.round(size / 1048576)} MB is over the ${MAX_FILE_BYTES / 1048576} MB limit`);
        model.setFile(f.key, null);
        continue;
      }
      const text = fs.readFileSync(f.display, 'utf8');
      texts.set(f.key, text);
      // CRDs committed in the workspace judge every file: make them known before any file is analysed.
      engine.noteFileText(f.key, text);
    } catch (err) {
      ws.problems.push(`${f.display}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  // No definitions index: the CLI answers no definition requests.
  for (const [key, text] of texts) local.set(key, engine.updateFile(text, key, { index: false }).diagnostics);
  texts.clear();
  const out: FileResult[] = [];
  if (opts.diagnostics === false) return out;
  for (const f of ws.files) {
    const l = local.get(f.key);
    if (l === undefined) continue;
    out.push({ file: f, diagnostics: engine.workspaceDiagnostics(f.key, l) });
  }
  return out;
}
