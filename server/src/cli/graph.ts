/**
 * `flux-workbench graph [DIR] [--format text|json|dot]`: the apply graph the fleet model derives from the disk.
 */
import { parseArgs } from 'node:util';
import { FluxEngine } from '../engine/engine';
import { graphDot, graphText, graphView } from '../engine/workspace/graph-view';
import { analyzeDiskWorkspace, readDiskWorkspace } from './disk-workspace';

interface Io { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

export function runGraph(args: string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { format: { type: 'string', default: 'text' } } });
  } catch (err) {
    io.stderr.write(`flux-workbench graph: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const format = parsed.values.format;
  if (format !== 'text' && format !== 'json' && format !== 'dot') {
    io.stderr.write(`flux-workbench graph: --format must be text, json or dot, got '${format ?? ''}'\n`);
    return 2;
  }
  const ws = readDiskWorkspace(parsed.positionals.length ? parsed.positionals : ['.']);
  for (const p of ws.missing) io.stderr.write(`flux-workbench graph: ${p}\n`);
  if (ws.missing.length > 0) return 2;
  const engine = new FluxEngine();
  // The graph needs the facts only; the per-file diagnostics computed on the way are not printed.
  analyzeDiskWorkspace(ws, engine, { diagnostics: false });
  for (const p of ws.problems) io.stderr.write(`flux-workbench graph: ${p}\n`);
  const view = graphView(engine.workspace);
  io.stdout.write(format === 'json' ? `${JSON.stringify(view, null, 2)}\n` : format === 'dot' ? graphDot(view) : graphText(view));
  return 0;
}
