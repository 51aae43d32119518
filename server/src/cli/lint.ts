/**
 * `flux-workbench lint`: analyses the YAML files below the given paths as Flux will apply them (the fleet model:
 * per-file rules and cross-file rules with cluster scoping) and prints the diagnostics as text, JSON or SARIF.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FluxEngine } from '../engine/engine';
import type { FluxDiagnostic } from '../engine/types';
import { analyzeDiskWorkspace, readDiskWorkspace, type FileResult } from './disk-workspace';
import { toSarif } from './sarif';
import { celSkippedLine, useClusterSchemas, useSchemaFiles } from './schema-from';

interface Io { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

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

type Format = 'text' | 'json' | 'sarif';
type FailOn = 'error' | 'warning' | 'never';

interface LintArgs {
  paths: string[]; format: Format; failOn: FailOn; target?: string;
  /** Schema sources: CRD files (`--schema-from`, repeatable) and a cluster (`--context`, `--kubeconfig`). */
  schemaFrom: string[]; context?: string; kubeconfig?: string;
}

/** The command line of `lint`, or a usage error. */
function lintArgs(args: string[]): LintArgs | string {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        'target-flux-version': { type: 'string' },
        'schema-from': { type: 'string', multiple: true },
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
      },
    });
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Unknown option '([^']+)'.*$/s, 'unknown option $1') : String(err);
  }
  const { format, 'fail-on': failOn, 'target-flux-version': target } = parsed.values;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') return `--format must be text, json or sarif, got '${format ?? ''}'`;
  if (failOn !== 'error' && failOn !== 'warning' && failOn !== 'never') return `--fail-on must be error, warning or never, got '${failOn ?? ''}'`;
  if (target !== undefined && !/^v?\d+\.\d+(\.\d+)?$/.test(target)) return `--target-flux-version takes a Flux version such as 2.8, got '${target}'`;
  const out: LintArgs = { paths: parsed.positionals.length ? parsed.positionals : ['.'], format, failOn, schemaFrom: parsed.values['schema-from'] ?? [] };
  if (target !== undefined) out.target = target.replace(/^v/, '');
  if (parsed.values.context !== undefined) out.context = parsed.values.context;
  if (parsed.values.kubeconfig !== undefined) out.kubeconfig = parsed.values.kubeconfig;
  return out;
}

function toRows(results: FileResult[]): LintRow[] {
  const rows: LintRow[] = [];
  for (const r of results) {
    for (const d of r.diagnostics) {
      rows.push({
        file: r.file.display, line: d.range.start.line + 1, column: d.range.start.character + 1,
        endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
        severity: d.severity, code: d.code, message: d.message,
      });
    }
  }
  return rows;
}

/** Analyses the paths through the fleet model and returns the rows, 1-based; I/O problems go to `problems`. */
export function lintPaths(paths: string[], engine: FluxEngine, problems: string[]): LintRow[] {
  const ws = readDiskWorkspace(paths);
  problems.push(...ws.missing, ...ws.problems);
  return toRows(analyzeDiskWorkspace(ws, engine));
}

export function runLint(args: string[], io: Io): number | Promise<number> {
  const parsed = lintArgs(args);
  if (typeof parsed === 'string') {
    io.stderr.write(`flux-workbench lint: ${parsed}\n`);
    return 2;
  }
  const engine = new FluxEngine();
  if (parsed.target) engine.configure({ targetFluxVersion: parsed.target });
  const schemaProblems: string[] = [];
  if (parsed.schemaFrom.length > 0) useSchemaFiles(engine, parsed.schemaFrom, schemaProblems);
  for (const p of schemaProblems) io.stderr.write(`flux-workbench lint: ${p}\n`);
  if (parsed.context !== undefined || parsed.kubeconfig !== undefined) {
    // Reading a cluster is asynchronous (and loads the Kubernetes client); the rest of lint is not.
    return useClusterSchemas(engine, parsed.context, parsed.kubeconfig).then(
      (r) => {
        io.stderr.write(`flux-workbench lint: schema: ${r.label} (${r.kinds} Flux kind/versions)\n`);
        return finishLint(parsed, engine, io);
      },
      (err: unknown) => {
        io.stderr.write(`flux-workbench lint: cannot read the cluster's CRDs: ${err instanceof Error ? err.message : String(err)}\n`);
        return 4;
      },
    );
  }
  return finishLint(parsed, engine, io);
}

function finishLint(parsed: LintArgs, engine: FluxEngine, io: Io): number {
  const ws = readDiskWorkspace(parsed.paths);
  for (const p of ws.missing) io.stderr.write(`flux-workbench lint: ${p}\n`);
  if (ws.missing.length > 0 && ws.files.length === 0) {
    io.stderr.write('flux-workbench lint: nothing to analyse: give existing files or folders\n');
    return 2;
  }
  const results = analyzeDiskWorkspace(ws, engine);
  for (const p of ws.problems) io.stderr.write(`flux-workbench lint: ${p}\n`);
  for (const p of engine.schemaSources.workspaceScan?.problems ?? []) io.stderr.write(`flux-workbench lint: ${p}\n`);
  const cel = celSkippedLine();
  if (cel) io.stderr.write(`flux-workbench lint: ${cel}\n`);
  const rows = toRows(results);
  if (parsed.format === 'json') {
    io.stdout.write(`${JSON.stringify({ diagnostics: rows }, null, 2)}\n`);
  } else if (parsed.format === 'sarif') {
    io.stdout.write(`${JSON.stringify(toSarif(results, process.cwd()), null, 2)}\n`);
  } else {
    for (const r of rows) io.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${r.message}\n`);
    const count = (s: string): number => rows.filter((r) => r.severity === s).length;
    io.stdout.write(`${count('error')} error(s), ${count('warning')} warning(s), ${count('information') + count('hint')} note(s) in ${results.length} file(s)\n`);
  }
  // A path that does not exist is never a silent pass.
  if (ws.missing.length > 0) return 2;
  const failing = parsed.failOn === 'never' ? [] : rows.filter((r) => r.severity === 'error' || (parsed.failOn === 'warning' && r.severity === 'warning'));
  return failing.length > 0 ? 1 : 0;
}

export const relativeTo = (base: string, file: string): string => path.relative(base, path.resolve(file)).split(path.sep).join('/');
