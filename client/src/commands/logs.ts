/**
 * Controller log-tail in an output channel: Show Logs (all/chosen controllers, or one tree object with
 * its source), Change Log Filter while following, Stop Following Logs. The core (cluster/logs) streams,
 * merges and filters; this adapter renders batches (one append per batch, so no per-line extension-host
 * round trip) and stops the tail on context switch and on dispose.
 */
import * as vscode from 'vscode';
import type { LogEntry, LogFilter } from '../../../server/src/cluster/logs/parse';
import type { LogTail } from '../../../server/src/cluster/logs/tail';
import type { ObjectKey } from '../../../server/src/cluster/types';
import type { CommandFactory, Ctx, Runtime } from '../ctx';
import { errorMessage } from '../messages';
import { keyLabel } from '../targets';

/**
 * The channel: a plain output channel in the `log` language (levels and timestamps coloured by VS Code's log
 * grammar), written one append per batch. Not a LogOutputChannel: that stamps each call with its own arrival time
 * and level, so the tail's history lines would carry the wrong time, and a batch of lines in one call got the
 * stamp on its first line only (the e2e screenshots showed it). Levels are filtered by Change Log Filter.
 */
export function channelText(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A line of our own (following, filter changed, stopped), in the entries' `time level message` shape. */
export function noticeLine(level: 'info' | 'warn', message: string, now = new Date()): string {
  return `${now.toISOString()} ${level} ${message}`;
}

interface Active { tail: LogTail; session: unknown; title: string; sub: vscode.Disposable }

class LogsView implements vscode.Disposable {
  private channel?: vscode.OutputChannel;
  private status?: vscode.StatusBarItem;
  active?: Active;
  /** Channel appends made (for tests: one per batch, far fewer than lines). */
  calls = 0;

  constructor(private readonly ctx: Ctx) {}

  private out(): vscode.OutputChannel {
    if (!this.channel) {
      this.channel = vscode.window.createOutputChannel('Flux Workbench: Controller Logs', 'log');
      this.ctx.extension.subscriptions.push(this.channel);
    }
    return this.channel;
  }

  private write(rt: Runtime, entries: readonly LogEntry[], multi: boolean): void {
    if (entries.length === 0) return;
    this.calls++;
    this.out().append(channelText(entries.map((e) => rt.renderLogEntry(e, multi))));
  }

  private notice(level: 'info' | 'warn', message: string): void {
    this.out().appendLine(noticeLine(level, message));
  }

  async start(rt: Runtime, title: string, controllers: string[] | undefined, filter: LogFilter): Promise<void> {
    const session = await this.ctx.ensureSession();
    if (!session) throw new Error(`no cluster connection (${this.ctx.problem ?? 'no context'}); select a context first`);
    this.stop();
    const ch = this.out();
    ch.clear();
    ch.show(true);
    const multi = !controllers || controllers.length !== 1;
    const s = this.ctx.settings;
    const tail = new rt.LogTail(session.conn, {
      controllers, follow: true, tailLines: s.logsTailLines, filter: { ...filter, includeNonJson: s.logsShowNonJson },
    }, {
      append: (entries) => this.write(rt, entries, multi),
      replace: (entries) => { ch.clear(); this.notice('info', `${title} (filter changed)`); this.write(rt, entries, multi); },
      status: (m) => this.notice('warn', m),
    });
    const sub = this.ctx.onDidChangeCluster(() => {
      if (this.active?.tail === tail && this.ctx.current !== session) this.stop('the Kubernetes context changed');
    });
    this.active = { tail, session, title, sub };
    this.notice('info', `${title}: following (Flux: Change Log Filter to filter, Flux: Stop Following Logs to stop)`);
    if (!this.status) {
      this.status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 0);
      this.status.command = 'fluxWorkbench.stopLogs';
      this.ctx.extension.subscriptions.push(this.status);
    }
    this.status.text = '$(debug-stop) Flux logs';
    this.status.tooltip = `${title}: click to stop following`;
    this.status.show();
    tail.start().catch((err: unknown) => {
      if (this.active?.tail !== tail) return;
      this.ctx.show(errorMessage(err, 'Flux: Show Logs'));
      this.stop();
    });
  }

  setFilter(f: LogFilter): void {
    this.active?.tail.setFilter({ ...f, includeNonJson: this.ctx.settings.logsShowNonJson });
  }

  stop(why?: string): boolean {
    const a = this.active;
    if (!a) return false;
    this.active = undefined;
    a.sub.dispose();
    a.tail.stop();
    this.status?.hide();
    if (this.channel) this.notice('info', `${a.title}: stopped${why ? ` (${why})` : ''}`);
    return true;
  }

  dispose(): void { this.stop(); }
}

const views = new WeakMap<Ctx, LogsView>();
/** The one logs view of a context object. */
export function logsView(ctx: Ctx): LogsView {
  let v = views.get(ctx);
  if (!v) { v = new LogsView(ctx); views.set(ctx, v); ctx.extension.subscriptions.push(v); }
  return v;
}

export const showLogs: CommandFactory = (ctx) => async (arg?: unknown) => {
  const rt = await ctx.runtime();
  const node = arg as { key?: ObjectKey } | undefined;
  const view = logsView(ctx);
  if (node && typeof node === 'object' && node.key) {
    const session = await ctx.ensureSession();
    const key = node.key;
    const obj = session?.cache.snapshot().objects(key.kind).find((o) => o.metadata.name === key.name && (o.metadata.namespace ?? '') === key.namespace);
    const t = rt.logTargetFor(key, obj);
    await view.start(rt, `Logs of ${t.objects.map(keyLabel).join(' and ')} (${t.controllers.join(', ')})`, t.controllers, t.filter);
    return;
  }
  const session = await ctx.ensureSession();
  if (!session) { ctx.show({ level: 'error', text: `Flux: Show Logs: no cluster connection (${ctx.problem ?? 'no context'}). Select a context first (Flux: Select Context).` }); return; }
  const pods = await rt.controllerPods(session.conn);
  const picked = await vscode.window.showQuickPick(
    [{ label: 'All controllers', controller: undefined as string | undefined }, ...pods.map((p) => ({ label: p.controller, description: `${p.pod}${p.ready ? '' : ' (not ready)'}`, controller: p.controller as string | undefined }))],
    { title: 'Flux: Show Logs', placeHolder: 'Controller' },
  );
  if (!picked) return;
  const controllers = picked.controller ? [picked.controller] : undefined;
  await view.start(rt, `Logs of ${picked.controller ?? 'all Flux controllers'}`, controllers, { allNamespaces: true });
};

export const stopLogs: CommandFactory = (ctx) => () => {
  if (!logsView(ctx).stop()) ctx.show({ level: 'info', text: 'Flux: no controller log is being followed.' });
};

/** The filter fields the user can change while following, with their flux CLI semantics. */
const FIELDS = [
  { label: 'Level', key: 'level', hint: 'exact: trace, debug, info or error' },
  { label: 'Kind', key: 'kind', hint: 'case-insensitive, e.g. Kustomization' },
  { label: 'Name', key: 'name', hint: 'exact object name' },
  { label: 'Namespace', key: 'namespace', hint: 'exact; empty: all namespaces' },
  { label: 'Text', key: 'text', hint: 'case-insensitive substring of the message or error' },
  { label: 'Controllers', key: 'controllers', hint: 'comma-separated, e.g. kustomize-controller,helm-controller; empty: all streamed' },
  { label: 'Clear all filters', key: 'clear', hint: '' },
] as const;

export const changeLogFilter: CommandFactory = (ctx) => async () => {
  const view = logsView(ctx);
  const a = view.active;
  if (!a) { ctx.show({ level: 'info', text: 'Flux: Change Log Filter: no controller log is being followed (Flux: Show Logs).' }); return; }
  const f: LogFilter = a.tail.currentFilter;
  const current = (k: string): string => {
    if (k === 'controllers') return (f.controllers ?? []).join(',');
    if (k === 'namespace' && f.allNamespaces) return '';
    return String((f as Record<string, unknown>)[k] ?? '');
  };
  const picked = await vscode.window.showQuickPick(FIELDS.map((x) => ({ label: x.label, description: x.key === 'clear' ? '' : current(x.key) || '(any)', detail: x.hint, key: x.key })), { title: 'Flux: Change Log Filter' });
  if (!picked) return;
  const next: LogFilter = { ...f };
  if (picked.key === 'clear') {
    view.setFilter({ allNamespaces: true });
    return;
  }
  const value = await vscode.window.showInputBox({ title: `Log filter: ${picked.label}`, prompt: picked.detail, value: current(picked.key) });
  if (value === undefined) return;
  const v = value.trim();
  delete next.anyOf;
  switch (picked.key) {
    case 'controllers': next.controllers = v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined; break;
    case 'namespace': next.namespace = v || undefined; next.allNamespaces = v === ''; break;
    case 'level':
      if (v && !['trace', 'debug', 'info', 'error'].includes(v)) { ctx.show({ level: 'error', text: `Log filter: level '${v}' is not trace, debug, info or error` }); return; }
      next.level = v || undefined;
      break;
    default: (next as Record<string, unknown>)[picked.key] = v || undefined;
  }
  view.setFilter(next);
};
