/**
 * `flux-workbench logs [--controller C]... [--kind K] [--name N] [-n NS | -A] [--level L] [--follow]
 * [--tail N] [--since D] [--format text|json]`: the flux CLI's `logs` over cluster/logs.
 */
import { parseArgs } from 'node:util';
import { toClusterError } from '../cluster/get';
import { type LogEntry, renderLogEntry } from '../cluster/logs/parse';
import { LogTail } from '../cluster/logs/tail';
import { parseGoDuration } from '../cluster/status';
import { clusterAccessFor } from './cluster-commands';

interface CliIo { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

const HELP = `Usage: flux-workbench logs [--controller NAME]... [--kind KIND] [--name NAME] [-n NS | -A] [--level debug|info|error]
                           [--grep TEXT] [--follow] [--tail N] [--since 5m] [--raw] [--format text|json]
                           [--kubeconfig PATH] [--context NAME] [--flux-namespace flux-system]
  Prints the Flux controllers' logs merged in time order, filtered like 'flux logs' (kind case-insensitive,
  exact name, exact namespace unless -A). --raw also shows lines that are not JSON.
`;

export async function runLogsCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: false, strict: true,
      options: {
        controller: { type: 'string', multiple: true }, kind: { type: 'string' }, name: { type: 'string' },
        namespace: { type: 'string', short: 'n' }, 'all-namespaces': { type: 'boolean', short: 'A' }, level: { type: 'string' },
        grep: { type: 'string' }, follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' }, since: { type: 'string' },
        raw: { type: 'boolean' }, format: { type: 'string', default: 'text' }, kubeconfig: { type: 'string' }, context: { type: 'string' },
        'flux-namespace': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`flux-workbench logs: ${(e as Error).message}\n${HELP}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) { io.stdout.write(HELP); return 0; }
  const usage = (m: string): number => { io.stderr.write(`flux-workbench logs: ${m}\n`); return 2; };
  if (v.format !== 'text' && v.format !== 'json') return usage(`--format must be text or json, not '${v.format}'`);
  if (v.level !== undefined && !['trace', 'debug', 'info', 'error'].includes(v.level)) return usage(`--level must be trace, debug, info or error, not '${v.level}'`);
  let tailLines: number | undefined;
  if (v.tail !== undefined) {
    tailLines = Number(v.tail);
    if (!Number.isInteger(tailLines) || tailLines < 0) return usage(`--tail must be a whole number, not '${v.tail}'`);
  }
  let sinceSeconds: number | undefined;
  if (v.since !== undefined) {
    const ms = parseGoDuration(v.since);
    if (ms === undefined || ms <= 0) return usage(`--since: '${v.since}' is not a duration (e.g. 30s, 5m, 1h)`);
    sinceSeconds = Math.max(1, Math.ceil(ms / 1000));
  }
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  process.once('SIGINT', onSigint);
  const json = v.format === 'json';
  const write = (entries: LogEntry[]): void => {
    const multi = (v.controller?.length ?? 0) !== 1;
    io.stdout.write(entries.map((e) => (json ? JSON.stringify(e.json ? JSON.parse(e.raw) : { controller: e.controller, raw: e.raw }) : renderLogEntry(e, multi))).join('\n') + '\n');
  };
  try {
    const { conn } = clusterAccessFor({ kubeconfig: v.kubeconfig, context: v.context, fluxNamespace: v['flux-namespace'], signal: ac.signal });
    const tail = new LogTail(conn, {
      controllers: v.controller, follow: v.follow === true, tailLines, sinceSeconds,
      filter: {
        kind: v.kind, name: v.name, namespace: v['all-namespaces'] ? undefined : (v.namespace ?? 'flux-system'), allNamespaces: v['all-namespaces'] === true,
        level: v.level, text: v.grep, includeNonJson: v.raw === true,
      },
    }, { append: write, status: (m) => io.stderr.write(`${m}\n`) });
    if (tailLines === 0 && !v.follow) return 0;
    await tail.start();
    return 0;
  } catch (err) {
    const ce = toClusterError(err, 'logs');
    io.stderr.write(`✗ ${ce.message}\n`);
    if (ce.failure === 'aborted') return 0;
    return ce.failure === 'unreachable' || ce.failure === 'unauthorized' || ce.failure === 'forbidden' ? 4 : ce.failure === 'invalid' && ce.statusCode === undefined ? 2 : 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
