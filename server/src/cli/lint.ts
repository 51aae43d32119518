/**
 * `flux-workbench lint`: reads YAML files from disk and prints the engine's diagnostics.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FluxEngine } from '../engine/engine';
import type { FluxDiagnostic } from '../engine/types';
import { celSkippedLine, useClusterSchemas, useSchemaFiles } from './schema-from';

interface Io { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

/** Files larger than this are reported and skipped rather than analysed. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules', '.git', '.terraform', 'vendor']);

export interface LintRow {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: FluxDiagnostic['severity'];
  code: string;
  message: string;
}

function collectYamlFiles(target: string, out: string[], problems: string[]): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch (err) {
    problems.push(`${target}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return;
  }
  if (st.isFile()) {
    out.push(target);
    return;
  }
  if (!st.isDirectory()) return;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(target, { withFileTypes: true });
  } catch (err) {
    problems.push(`${target}: cannot list (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(target, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) collectYamlFiles(p, out, problems);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
      out.push(p);
    }
  }
}

interface LintArgs { paths: string[]; format: 'text' | 'json'; target?: string; schemaFrom: string[]; context?: string; kubeconfig?: string }

function parseArgs(args: string[]): LintArgs | string {
  const paths: string[] = [];
  const schemaFrom: string[] = [];
  let context: string | undefined;
  let kubeconfig: string | undefined;
  let format: 'text' | 'json' = 'text';
  let target: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v !== 'text' && v !== 'json') return `--format must be text or json, got '${v ?? ''}'`;
      format = v;
    } else if (a === '--target-flux-version' || a.startsWith('--target-flux-version=')) {
      target = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!target || !/^v?\d+\.\d+(\.\d+)?$/.test(target)) return `--target-flux-version takes a Flux version such as 2.8, got '${target ?? ''}'`;
    } else if (a === '--schema-from' || a.startsWith('--schema-from=') || a === '--context' || a.startsWith('--context=') || a === '--kubeconfig' || a.startsWith('--kubeconfig=')) {
      const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!v) return `${name} takes a value`;
      if (name === '--schema-from') schemaFrom.push(v);
      else if (name === '--context') context = v;
      else kubeconfig = v;
    } else if (a.startsWith('-')) {
      return `unknown option ${a}`;
    } else {
      paths.push(a);
    }
  }
  return { paths: paths.length ? paths : ['.'], format, target, schemaFrom, ...(context ? { context } : {}), ...(kubeconfig ? { kubeconfig } : {}) };
}

/** Analyses the files and returns the rows, 1-based; I/O problems go to `problems`. */
export function lintPaths(paths: string[], engine: FluxEngine, problems: string[]): LintRow[] {
  const files: string[] = [];
  for (const p of paths) collectYamlFiles(p, files, problems);
  const rows: LintRow[] = [];
  const texts: Array<[string, string]> = [];
  for (const file of files) {
    let text: string;
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_FILE_BYTES) {
        problems.push(`${file}: skipped, ${Math.round(size / 1048576)} MB is over the ${MAX_FILE_BYTES / 1048576} MB limit`);
        continue;
      }
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    texts.push([file, text]);
    // CRDs committed among the files (gotk-components.yaml) are a schema source for all of them.
    engine.schemaSources.fileChanged(file, text);
  }
  for (const [file, text] of texts) {
    for (const d of engine.diagnostics(text, file)) {
      rows.push({
        file, line: d.range.start.line + 1, column: d.range.start.character + 1,
        endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
        severity: d.severity, code: d.code, message: d.message,
      });
    }
  }
  return rows;
}

export function runLint(args: string[], io: Io): number | Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr.write(`flux-workbench lint: ${parsed}\n`);
    return 2;
  }
  const engine = new FluxEngine();
  if (parsed.target) engine.configure({ targetFluxVersion: parsed.target.replace(/^v/, '') });
  const problems: string[] = [];
  if (parsed.schemaFrom.length > 0) useSchemaFiles(engine, parsed.schemaFrom, problems);
  if (parsed.context !== undefined || parsed.kubeconfig !== undefined) {
    // Reading a cluster is asynchronous (and needs the Kubernetes client); the rest of lint is not.
    return useClusterSchemas(engine, parsed.context, parsed.kubeconfig).then(
      (r) => {
        io.stderr.write(`flux-workbench lint: schema: ${r.label} (${r.kinds} Flux kind/versions)\n`);
        return finishLint(parsed, engine, problems, io);
      },
      (err: unknown) => {
        io.stderr.write(`flux-workbench lint: cannot read the cluster's CRDs: ${err instanceof Error ? err.message : String(err)}\n`);
        return 4;
      },
    );
  }
  return finishLint(parsed, engine, problems, io);
}

function finishLint(parsed: LintArgs, engine: FluxEngine, problems: string[], io: Io): number {
  const rows = lintPaths(parsed.paths, engine, problems);
  for (const w of engine.schemaSources.workspaceScan?.problems ?? []) problems.push(w);
  const cel = celSkippedLine();
  if (cel) problems.push(cel);
  for (const p of problems) io.stderr.write(`flux-workbench lint: ${p}\n`);
  if (parsed.format === 'json') {
    io.stdout.write(`${JSON.stringify({ diagnostics: rows }, null, 2)}\n`);
  } else {
    for (const r of rows) io.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}\n`);
    const count = (s: string): number => rows.filter((r) => r.severity === s).length;
    io.stdout.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('information') + count('hint')} note(s)\n`);
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}
