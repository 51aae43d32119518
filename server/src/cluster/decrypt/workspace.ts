/**
 * The workspace side of the decrypt-check: reading candidate files from disk (no vscode), finding the
 * SOPS files and the Flux Kustomizations, and the one seam that maps a file to the Kustomizations that
 * apply it (direct path match until the fleet model replaces it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFile } from '../../engine/document';
import { isSopsEncrypted, readSopsMetadata, sopsFormatForPath, type SopsMetadata } from '../../engine/sops';
import type { ObjectKey } from '../types';

/** A file of the workspace: repo-relative path with `/` separators, and its text. */
export interface WorkspaceFile { path: string; text: string }

/** A Flux Kustomization as the decrypt-check needs it, from the workspace or the cluster. */
export interface KustomizationInfo {
  key: ObjectKey;
  /** `spec.path`, normalised: no leading `./` or `/`, no trailing `/`; '' for the root. */
  path: string;
  provider?: string;
  secretName?: string;
  /** Where it is defined (workspace) with a 0-based line, for diagnostics. */
  file?: string;
  line?: number;
  /** Ready condition (cluster only). */
  ready?: { status: string; reason?: string; message?: string };
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform', 'vendor']);
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Normalises a Kustomization `spec.path` or a file path to repo-relative `a/b` form. */
export function normalizeRepoPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop(); else parts.push(seg);
  }
  return parts.join('/');
}

/**
 * The Kustomizations that apply a file: those whose `spec.path` folder contains it (FLUX-FACTS §10, direct
 * path match). The one seam the fleet model may replace.
 */
export function kustomizationsApplying(kustomizations: readonly KustomizationInfo[], file: string): KustomizationInfo[] {
  const f = normalizeRepoPath(file);
  return kustomizations.filter((k) => k.path === '' || f === k.path || f.startsWith(`${k.path}/`));
}

/**
 * Reads the files the check looks at (YAML, JSON, dotenv, INI and `.sops.yaml`) under `root`, sorted,
 * skipping vendored folders, symlinks, files over 5 MB and binary files. Problems are collected, never thrown.
 */
export function readWorkspaceFiles(root: string, problems: string[] = []): WorkspaceFile[] {
  const out: WorkspaceFile[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) {
      problems.push(`${dir}: cannot list (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) walk(p); continue; }
      if (!e.isFile()) continue;
      if (!sopsFormatForPath(e.name) && e.name !== '.sops.yaml') continue;
      try {
        const st = fs.statSync(p);
        if (st.size > MAX_FILE_BYTES) { problems.push(`${p}: skipped (over 5 MB)`); continue; }
        const buf = fs.readFileSync(p);
        if (buf.includes(0)) continue;
        out.push({ path: normalizeRepoPath(path.relative(root, p)), text: buf.toString('utf8') });
      } catch (err) {
        problems.push(`${p}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  };
  walk(root);
  return out;
}

/** A SOPS-encrypted file of the workspace with its metadata. */
export interface SopsFile { path: string; text: string; meta: SopsMetadata }

/** The SOPS files among the workspace files (by the FLUX-FACTS §6 markers, then the metadata block). */
export function findSopsFiles(files: readonly WorkspaceFile[]): { sops: SopsFile[]; unreadable: string[] } {
  const sops: SopsFile[] = [];
  const unreadable: string[] = [];
  for (const f of files) {
    const format = sopsFormatForPath(f.path);
    if (!format || !isSopsEncrypted(f.text, format)) continue;
    const meta = readSopsMetadata(f.text, format);
    if (meta) sops.push({ path: f.path, text: f.text, meta });
    else unreadable.push(f.path);
  }
  return { sops, unreadable };
}

/** The Flux Kustomizations defined in the workspace's YAML files. */
export function workspaceKustomizations(files: readonly WorkspaceFile[]): KustomizationInfo[] {
  const out: KustomizationInfo[] = [];
  for (const f of files) {
    if (sopsFormatForPath(f.path) !== 'yaml' || !/kustomize\.toolkit\.fluxcd\.io/.test(f.text)) continue;
    const parsed = parseFile(f.text);
    for (const d of parsed.documents) {
      if (!d.isFlux || d.kindInfo?.kind !== 'Kustomization' || !d.name) continue;
      const v = d.value() as { spec?: { path?: unknown; decryption?: { provider?: unknown; secretRef?: { name?: unknown } } } } | undefined;
      out.push({
        key: { kind: 'Kustomization', namespace: d.namespace ?? 'flux-system', name: d.name },
        ...kustomizationSpec(v?.spec),
        file: f.path, line: d.range.start.line,
      });
    }
  }
  return out;
}

/** `spec.path` and `spec.decryption` of a Kustomization spec (workspace or cluster). */
export function kustomizationSpec(spec: unknown): Pick<KustomizationInfo, 'path' | 'provider' | 'secretName'> {
  const s = (spec ?? {}) as { path?: unknown; decryption?: { provider?: unknown; secretRef?: { name?: unknown } } };
  const dec = s.decryption;
  return {
    path: normalizeRepoPath(typeof s.path === 'string' ? s.path : ''),
    provider: typeof dec?.provider === 'string' ? dec.provider : undefined,
    secretName: typeof dec?.secretRef?.name === 'string' && dec.secretRef.name !== '' ? dec.secretRef.name : undefined,
  };
}

/** The `.sops.yaml` sops would use for a file: the nearest one in the file's folder or a parent. */
export function nearestSopsConfig(files: readonly WorkspaceFile[], file: string): WorkspaceFile | undefined {
  const configs = new Map(files.filter((f) => f.path === '.sops.yaml' || f.path.endsWith('/.sops.yaml')).map((f) => [f.path, f]));
  let dir = path.posix.dirname(normalizeRepoPath(file));
  for (;;) {
    const c = configs.get(dir === '.' || dir === '' ? '.sops.yaml' : `${dir}/.sops.yaml`);
    if (c) return c;
    if (dir === '.' || dir === '') return undefined;
    dir = path.posix.dirname(dir);
  }
}
