/**
 * The LSP side of the fleet model: feeds the engine's workspace model from the workspace scan, open documents
 * and file events, and publishes every file's diagnostics (open or not, unless the scope setting says open files
 * only). It holds no Flux logic: the diagnostics come from the engine; this file decides what to read and when
 * to publish, republishing only the files whose diagnostics changed.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FluxEngine } from '../engine/engine';
import type { FluxDiagnostic } from '../engine/types';
import { gitRootAbove, remotesOf } from '../host/git';

/** Workspace scan limits: a larger tree is cut, and the cut is said. */
export const SCAN_MAX_FILES = 20000;
export const SCAN_MAX_BYTES = 2 * 1024 * 1024;
const SCAN_SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'vendor', '.terraform']);
const YAML = /\.ya?ml$/i;
/** Republishing every file gives the event loop a turn after this many ms of work. */
const PUBLISH_SLICE_MS = 8;

export type DiagnosticsScope = 'workspace' | 'openFiles';

/** The model's key of a document URI: its file path with `/` separators, or the URI itself for other schemes. */
export function keyOf(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri).split(path.sep).join('/');
  } catch {
    return uri; // file://host/... and malformed escapes: still a distinct key, never an exception
  }
}

function uriOf(key: string): string {
  return key.startsWith('/') || /^[A-Za-z]:\//.test(key) ? pathToFileURL(key).toString() : key;
}

export class WorkspaceSession {
  /** Per-file diagnostics by model key, from the last analysis of each file. */
  private readonly local = new Map<string, FluxDiagnostic[]>();
  /** The URI, and the document version when open, each key was analysed from. */
  private readonly uris = new Map<string, { uri: string; version?: number }>();
  /** What was last published per URI (JSON), to republish only changes. */
  private readonly published = new Map<string, string>();
  /** Bumped by each publish-all pass (a newer pass supersedes an older one) and by dispose. */
  private generation = 0;
  /** Bumped by each scan (a newer scan, e.g. after a workspace folder change, supersedes an older one) and by dispose. */
  private scanGeneration = 0;
  scope: DiagnosticsScope = 'workspace';
  private scanned = false;

  constructor(
    private readonly connection: Connection,
    private readonly engine: FluxEngine,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly toLsp: (d: FluxDiagnostic) => Diagnostic,
    private readonly logError: (what: string, err: unknown) => void,
  ) {}

  /**
   * Analyses an open document's current text in steps (the scheduler runs it in slices and abandons it when a
   * newer version arrives), then publishes it, and the whole workspace when the graph changed.
   */
  *analyzeOpenSteps(doc: TextDocument): Generator<void, void> {
    const key = keyOf(doc.uri);
    const { uri, version } = doc;
    let changed = false;
    try {
      const r = yield* this.engine.updateFileSteps(doc.getText(), key, { uri, version });
      this.local.set(key, r.diagnostics);
      this.uris.set(key, { uri, version });
      changed = r.graphChanged;
    } catch (err) {
      this.logError(`analysis of ${uri}`, err);
      return;
    }
    // The workspace graph (derived again when the file changed it: ~100 ms for 7,000 documents; in steps past
    // 1,000), and the file's cross-file diagnostics as a step of their own, so that requests are answered in between.
    yield;
    yield* this.engine.workspace.graphSteps();
    yield;
    this.publishOne(key);
    if (changed) this.schedulePublishAll();
  }

  /** A file was created or changed on disk (the editor's copy wins while it is open). */
  async fileChangedOnDisk(uri: string): Promise<void> {
    if (this.documents.get(uri) || !uri.startsWith('file:')) return;
    const key = keyOf(uri);
    if (isSkipped(key)) return;
    const text = YAML.test(key) ? await readSmall(key) : undefined;
    if (this.documents.get(uri)) return;
    let changed: boolean;
    if (text === undefined) {
      const exists = await fs.stat(key).then((s) => s.isFile(), () => false);
      // Reopened meanwhile: the editor's copy wins (its analysis sets the file's facts and diagnostics).
      if (this.documents.get(uri)) return;
      changed = this.engine.setOtherFile(key, exists);
      if (this.local.delete(key)) this.clear(uri);
    } else {
      changed = this.update(key, text, uri, undefined);
      this.publishOne(key);
    }
    if (changed) this.schedulePublishAll();
  }

  fileDeleted(uri: string): void {
    if (this.documents.get(uri)) return;
    this.forget(uri);
  }

  /** Drops a file from the model and clears its diagnostics. */
  private forget(uri: string): void {
    const key = keyOf(uri);
    this.engine.unindexFile(uri);
    const changed = this.engine.setOtherFile(key, false);
    this.local.delete(key);
    this.uris.delete(key);
    this.clear(uri);
    if (changed) this.schedulePublishAll();
  }

  /**
   * A document was opened: its first version must be answered even when the result equals what was published
   * before it was closed (a client reopening it waits for that version; the fuzzer found a reopen at version 1 with
   * the same empty result left unanswered, because the close had not cleared the published record).
   */
  opened(uri: string): void {
    this.published.delete(uri);
  }

  /** A document was closed: the disk copy is the truth again (for unsaved documents, nothing is). */
  closed(uri: string): void {
    // The closed version's result is no longer of an open document: republished meanwhile (a graph change), it goes
    // out without a version. Kept with one, it went out under the version of the document when it was reopened at
    // the same version (editors start again at 1) before its new text was analysed: another text's diagnostics.
    const key = keyOf(uri);
    if (this.uris.get(key)?.version !== undefined) this.uris.set(key, { uri });
    if (uri.startsWith('file:')) {
      if (this.scope === 'openFiles') this.clear(uri);
      void this.fileChangedOnDisk(uri).catch((err: unknown) => this.logError(`indexing of ${uri}`, err));
    } else {
      this.forget(uri);
    }
  }

  /** Settings that change every file's diagnostics (target version, schema source): analyse everything again. */
  async reanalyzeAll(): Promise<void> {
    for (const [key, at] of [...this.uris]) {
      const open = this.documents.get(at.uri);
      if (open) this.update(key, open.getText(), open.uri, open.version);
      else if (at.uri.startsWith('file:')) {
        const text = await readSmall(key);
        if (text !== undefined) this.update(key, text, at.uri, undefined);
      }
    }
    this.schedulePublishAll();
  }

  setScope(scope: DiagnosticsScope): void {
    if (scope === this.scope) return;
    this.scope = scope;
    this.schedulePublishAll();
  }

  /**
   * Reads every file below the roots (YAML analysed, other files only known to exist), with work-done progress,
   * then publishes. Says so when it stops at the file limit or skips large files. Resolves to the bytes of text
   * it read and analysed (the server collects their garbage after it).
   */
  async scan(roots: string[]): Promise<number> {
    const gen = ++this.scanGeneration;
    let bytes = 0;
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Flux: indexing the workspace', 0, 'listing files', true);
    try {
      const gitRoots = new Set<string>();
      const files: string[] = [];
      let cut = false;
      for (const root of roots) {
        const above = gitRootAbove(root);
        if (above) gitRoots.add(above);
        const stack = [root];
        while (stack.length > 0) {
          const dir = stack.pop()!;
          let entries: import('node:fs').Dirent[];
          try {
            entries = await fs.readdir(dir, { withFileTypes: true });
          } catch {
            continue;
          }
          if (entries.some((e) => e.name === '.git')) gitRoots.add(dir);
          for (const e of entries) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
              if (!SCAN_SKIP_DIRS.has(e.name) && !(e.name.startsWith('.') && e.name !== '.flux')) stack.push(p);
            } else if (e.isFile()) {
              if (files.length >= SCAN_MAX_FILES) { cut = true; break; }
              files.push(p);
            }
          }
          if (cut) break;
        }
      }
      const remotes: string[] = [];
      for (const g of gitRoots) remotes.push(...remotesOf(g));
      this.engine.workspace.setRepo({
        workspaceRoots: roots.map((r) => r.split(path.sep).join('/')),
        gitRoots: [...gitRoots].map((g) => g.split(path.sep).join('/')),
        remotes,
      });
      const large: string[] = [];
      const texts: Array<[string, string]> = [];
      let i = 0;
      for (const file of files) {
        if (gen !== this.scanGeneration) return bytes;
        const key = file.split(path.sep).join('/');
        const uri = pathToFileURL(file).toString();
        if (!YAML.test(file) || this.documents.get(uri)) {
          if (!this.documents.get(uri)) this.engine.setOtherFile(key, true);
          continue;
        }
        const text = await readSmall(file);
        if (text === undefined) {
          large.push(key);
          this.engine.setOtherFile(key, true);
          continue;
        }
        texts.push([key, text]);
        bytes += text.length;
        this.engine.noteFileText(uri, text);
        if (++i % 200 === 0) progress?.report(Math.round((i / files.length) * 50), `${i} of ${files.length} files read`);
      }
      i = 0;
      for (const [key, text] of texts) {
        if (gen !== this.scanGeneration) return bytes;
        const uri = pathToFileURL(key).toString();
        if (!this.documents.get(uri)) this.update(key, text, uri, undefined);
        if (++i % 100 === 0) {
          progress?.report(50 + Math.round((i / texts.length) * 50), `${i} of ${texts.length} YAML files analysed`);
          await new Promise((r) => setImmediate(r));
        }
      }
      for (const doc of this.documents.all()) this.update(keyOf(doc.uri), doc.getText(), doc.uri, doc.version);
      if (cut) {
        void this.connection.window.showWarningMessage(`Flux Workbench: the workspace scan stopped at ${SCAN_MAX_FILES.toLocaleString('en-US')} files; `
          + 'files past the limit are not analysed and cross-file checks may miss objects defined there. Open a smaller folder to have all of it checked.');
      }
      if (large.length > 0) {
        this.connection.console.warn(`flux-workbench: ${large.length} YAML file(s) over ${SCAN_MAX_BYTES / 1048576} MB were not analysed by the workspace scan (open one to analyse it): ${large.slice(0, 5).join(', ')}${large.length > 5 ? ', …' : ''}`);
      }
      this.scanned = true;
      await this.publishAll(++this.generation);
      return bytes;
    } finally {
      progress?.done();
    }
  }

  private update(key: string, text: string, uri: string, version: number | undefined): boolean {
    try {
      const r = this.engine.updateFile(text, key, version === undefined ? { uri } : { uri, version });
      this.local.set(key, r.diagnostics);
      this.uris.set(key, version === undefined ? { uri } : { uri, version });
      return r.graphChanged;
    } catch (err) {
      this.logError(`analysis of ${uri}`, err);
      return false;
    }
  }

  private diagnosticsOf(key: string): Diagnostic[] {
    const local = this.local.get(key);
    if (!local) return [];
    try {
      return this.engine.workspaceDiagnostics(key, local).map(this.toLsp);
    } catch (err) {
      this.logError(`cross-file analysis of ${key}`, err);
      return local.map(this.toLsp);
    }
  }

  private send(uri: string, diagnostics: Diagnostic[], version?: number): void {
    // A new version of an open document is always answered (clients wait for the version they sent); otherwise a
    // file is republished only when its diagnostics changed.
    const json = `${version ?? ''}:${JSON.stringify(diagnostics)}`;
    if (this.published.get(uri) === json) return;
    this.published.set(uri, json);
    void this.connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
  }

  private clear(uri: string): void {
    if (!this.published.has(uri)) return;
    this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private publishOne(key: string): void {
    const at = this.uris.get(key);
    if (!at) return;
    const open = this.documents.get(at.uri);
    // Never publish a stale result: the document may have moved on meanwhile.
    if (open && open.version !== at.version) return;
    if (!open && this.scope === 'openFiles') return;
    this.send(at.uri, this.diagnosticsOf(key), open ? at.version : undefined);
  }

  private publishTimer: NodeJS.Timeout | undefined;

  /** Republishes every file (the graph changed), soon and in slices, so that requests are served meanwhile. */
  private schedulePublishAll(): void {
    if (!this.scanned && this.documents.all().length === 0) return;
    if (this.publishTimer) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      void this.publishAll(++this.generation).catch((err: unknown) => this.logError('publishing diagnostics', err));
    }, 0);
  }

  private async publishAll(gen: number): Promise<void> {
    let t0 = performance.now();
    /** Gives the event loop a turn after PUBLISH_SLICE_MS of work; false when a newer republish superseded this one. */
    const turn = async (): Promise<boolean> => {
      if (performance.now() - t0 > PUBLISH_SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        t0 = performance.now();
      }
      return gen === this.generation;
    };
    for (const key of [...this.uris.keys()]) {
      // The graph, when an edit changed it meanwhile, in steps (a derive of a large fleet takes 100-400 ms).
      const steps = this.engine.workspace.graphSteps();
      while (!steps.next().done) if (!(await turn())) return;
      if (gen !== this.generation) return;
      const at = this.uris.get(key);
      if (!at) continue;
      if (this.scope === 'openFiles' && !this.documents.get(at.uri)) {
        this.clear(at.uri);
        continue;
      }
      this.publishOne(key);
      // Files of thousands of documents take milliseconds each: the event loop gets a turn every few ms, not
      // every so many files.
      if (!(await turn())) return;
    }
  }

  dispose(): void {
    this.generation++;
    this.scanGeneration++;
    if (this.publishTimer) clearTimeout(this.publishTimer);
  }
}

function isSkipped(key: string): boolean {
  return key.split('/').some((seg) => SCAN_SKIP_DIRS.has(seg));
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > SCAN_MAX_BYTES) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

export { uriOf };
