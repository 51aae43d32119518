/**
 * `npm run fuzz -- [--count N] [--seed S] [DIR...]`: mutation fuzzing of the language server over stdio,
 * deterministic per seed. The seeds are the test fixtures' YAML (test/example, the bench's generated
 * documents) plus the YAML files of the directories given. Each input is a mutated seed (mutate.ts) opened or
 * changed (full or incremental didChange, with invalid ranges too) under one of a pool of URIs (odd ones
 * included), followed by completion / hover / documentSymbol / definition requests at random positions (past
 * the end, negative, huge). Asserted: the server never crashes, never answers with an error, never logs an
 * error, answers every request within 200 ms (files under 1 MB) or 2 s (any file), also a probe request sent
 * every 50 ms while a file is analysed (the analysis must never hold up the editor), publishes diagnostics whose
 * ranges lie inside the document, and its RSS stays bounded under open/close churn.
 *
 * Failures reproducible in-process (ranges, exceptions) are minimized (lines removed while the failure stays)
 * and saved under test/fuzz/regressions/, which test/engine/fuzz-regressions.test.ts replays. With
 * FW_FUZZ_TRACE=FILE every input (uri, version, text, and an incremental change as sent), every request (method,
 * params, time taken) and every close is appended to FILE as a JSON line, to replay a failure. Failures that need
 * the server's state across inputs (a sequence of changes) are saved by hand under test/fuzz/regressions/lsp/ and replayed over stdio by test/lsp/fuzz.test.ts.
 * FW_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' writes a CPU profile of the server (see lsp-client.ts).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FluxEngine } from '../../server/src/engine/engine';
import { LspClient, type RpcMessage } from '../lsp/lsp-client';
import { fluxDocument } from '../bench/workspace-gen';
import { MUTATIONS, MUTATION_NAMES, prng, type Rand } from './mutate';

export interface FuzzOptions {
  count: number;
  seed: number;
  dirs?: string[];
  /** Include the multi-MB mutations (1 MB lines, 10 MB documents). */
  big?: boolean;
  /** Include the costly mutations (thousands of documents or keys, self-referencing anchors, deep nesting); default true. */
  medium?: boolean;
  /** Request time limits (ms) for files under 1 MB and for any file. */
  limitSmall?: number;
  limitAny?: number;
  /** RSS growth allowed over the churn (MB). */
  rssGrowthMb?: number;
  /** Save minimized failures under this directory. */
  saveDir?: string;
  log?: (s: string) => void;
}

export interface FuzzFailure { class: string; detail: string; mutations: string[]; input: number; text: string; uri: string }
export interface FuzzResult { inputs: number; requests: number; failures: FuzzFailure[]; byClass: Record<string, number>; rssStartMb: number; rssEndMb: number; saved: string[] }

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

const MB = 1024 * 1024;

function yamlFiles(dir: string, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The seed texts: fixtures, generated documents of the five bench kinds, and the given directories. */
export function seedTexts(dirs: string[] = []): string[] {
  const roots = [path.resolve(__dirname, '../example'), ...dirs];
  const texts = roots.flatMap((d) => yamlFiles(d).sort()).map((f) => fs.readFileSync(f, 'utf8')).filter((t) => t.length < MB);
  for (let i = 0; i < 5; i++) texts.push(fluxDocument(i));
  return texts;
}

/** Whether a range lies inside the document (start <= end, lines exist, characters within their line). */
export function rangeInside(doc: TextDocument, r: Range | undefined): boolean {
  if (!r) return true;
  const ok = (p: { line: number; character: number }): boolean => {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0 || p.line >= doc.lineCount) return false;
    const lineStart = doc.offsetAt({ line: p.line, character: 0 });
    const next = p.line + 1 < doc.lineCount ? doc.offsetAt({ line: p.line + 1, character: 0 }) : doc.getText().length;
    const text = doc.getText().slice(lineStart, next).replace(/\r?\n$|\r$/, '');
    return p.character <= text.length;
  };
  const before = r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
  return ok(r.start) && ok(r.end) && before;
}

/** In-process check of one text: the engine's diagnostics and symbols, and any exception. Returns a problem or undefined. */
export function inProcessProblem(text: string, uri = 'file:///fuzz/min.yaml'): string | undefined {
  const engine = new FluxEngine();
  const doc = TextDocument.create(uri, 'yaml', 1, text);
  try {
    for (const d of engine.diagnostics(text, uri, 1)) if (!rangeInside(doc, d.range)) return `diagnostic ${d.code} range ${JSON.stringify(d.range)} outside the document`;
    for (const s of engine.symbols(text, uri, 1)) {
      if (!rangeInside(doc, s.range) || !rangeInside(doc, s.selectionRange)) return `symbol '${s.name}' range outside the document`;
      if (s.name.trim() === '') return 'symbol with a blank name';
    }
  } catch (err) {
    return `engine threw: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    engine.forget(uri);
  }
  return undefined;
}

/** Removes lines while `fails` stays true (ddmin over line chunks; at most ~300 checks). */
export function minimize(text: string, fails: (t: string) => boolean): string {
  let ls = text.split('\n');
  let checks = 0;
  for (let chunk = Math.max(1, ls.length >> 1); chunk >= 1 && checks < 300; chunk = chunk === 1 ? 0 : chunk >> 1) {
    for (let i = 0; i < ls.length && checks < 300;) {
      const candidate = [...ls.slice(0, i), ...ls.slice(i + chunk)];
      checks++;
      if (candidate.length > 0 && fails(candidate.join('\n'))) ls = candidate;
      else i += chunk;
    }
  }
  return ls.join('\n');
}

/** Appends one event to FW_FUZZ_TRACE's file, when it is set (see the header). */
function trace(event: Record<string, unknown>): void {
  const file = process.env.FW_FUZZ_TRACE;
  if (file) fs.appendFileSync(file, `${JSON.stringify(event)}\n`);
}

/** A file never opened: the probe's hover on it measures only how long the server takes to get to it. */
const PROBE_URI = 'file:///fuzz/probe-never-opened.yaml';

const ODD_URIS = ['file://host/share/x.yaml', 'file:///tmp/a%ZZb.yaml', 'untitled:Untitled-1', 'file:///C:/Users/x/y.yaml', 'vscode-remote://ssh/x.yaml', 'file:///tmp/sp%20ace.yaml'];

function position(r: Rand, doc: TextDocument): { line: number; character: number } {
  const k = r();
  if (k < 0.05) return { line: -1, character: -5 };
  if (k < 0.1) return { line: 2 ** 31 - 1, character: 2 ** 31 - 1 };
  if (k < 0.15) return { line: doc.lineCount + 3, character: 0 };
  const line = Math.floor(r() * doc.lineCount);
  return { line, character: Math.floor(r() * 40) };
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const log = opts.log ?? (() => {});
  const limitSmall = opts.limitSmall ?? 200;
  const limitAny = opts.limitAny ?? 2000;
  const r = prng(opts.seed);
  const seeds = seedTexts(opts.dirs);
  const names = MUTATION_NAMES.filter((n) => (opts.big || !MUTATIONS[n]!.big) && !(opts.medium === false && MUTATIONS[n]!.medium));
  const failures: FuzzFailure[] = [];
  const saved: string[] = [];
  let requests = 0;
  let client = new LspClient();
  await client.initialize({ debounceMs: 0 });
  const open = new Map<string, TextDocument>();
  let logSeen = 0;
  let rssStart = NaN;
  let rssEnd = NaN;
  const pool = Array.from({ length: 40 }, (_, i) => `file:///fuzz/f${i}.yaml`);
  /** The open documents' sizes in bytes. */
  const sizes = new Map<string, number>();

  const fail = (cls: string, detail: string, mutations: string[], input: number, doc: TextDocument): void => {
    failures.push({ class: cls, detail, mutations, input, text: doc.getText(), uri: doc.uri });
    log(`FAIL #${input} ${cls}: ${detail} [${mutations.join(', ')}]`);
  };
  const restart = async (): Promise<void> => {
    try { client.proc.kill(); } catch { /* gone */ }
    client = new LspClient();
    await client.initialize({ debounceMs: 0 });
    open.clear();
    sizes.clear();
  };

  for (let i = 0; i < opts.count; i++) {
    // ---- the input
    let text = seeds[Math.floor(r() * seeds.length)]!;
    const mutations: string[] = [];
    const n = 1 + Math.floor(r() * 3);
    for (let k = 0; k < n; k++) {
      // The multi-MB mutations are rare (they take seconds each), the costly ones less frequent.
      let m = names[Math.floor(r() * names.length)]!;
      if ((MUTATIONS[m]!.big && r() < 0.9) || (MUTATIONS[m]!.medium && r() < (opts.big ? 0.5 : 0.95))) m = 'byte-flip';
      mutations.push(m);
      text = MUTATIONS[m]!.apply(text, r);
      if (text.length > 16 * MB) text = text.slice(0, 16 * MB);
    }
    const uri = r() < 0.03 ? ODD_URIS[Math.floor(r() * ODD_URIS.length)]! : pool[Math.floor(r() * pool.length)]!;
    let doc = open.get(uri);
    let sent: unknown;
    let how = 'full';
    if (!doc) {
      how = 'open';
      doc = TextDocument.create(uri, 'yaml', 1, text);
      client.open(uri, text, 1);
    } else if (r() < 0.5) {
      const version = doc.version + 1;
      doc = TextDocument.create(uri, 'yaml', version, text);
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    } else {
      // An incremental change, with a range that may be reversed, negative or past the end.
      const a = position(r, doc);
      const b = r() < 0.2 ? { line: a.line - 1, character: 0 } : position(r, doc);
      const insert = text.slice(0, Math.floor(r() * Math.min(text.length, 200)));
      const version = doc.version + 1;
      const change = { range: { start: a, end: b }, text: insert };
      // The expected text, from a fresh document each time: TextDocument.update leaves a corrupt line table after
      // such a range (see server/src/lsp/text-documents.ts), so a mirror kept across changes would drift.
      const next = TextDocument.create(uri, 'yaml', doc.version, doc.getText());
      TextDocument.update(next, [change], version);
      doc = TextDocument.create(uri, 'yaml', version, next.getText());
      sent = change;
      how = 'range';
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    }
    open.set(uri, doc);
    trace({ i, uri, how, version: doc.version, text: doc.getText(), ...(sent ? { change: sent } : {}) });
    const size = Buffer.byteLength(doc.getText());
    const limit = size < MB ? limitSmall : limitAny;
    const diagnostics = client.waitForDiagnostics(uri, doc.version, size < MB ? 20000 : 120000);
    diagnostics.catch(() => undefined);

    // ---- the requests (sent while the analysis may still run)
    const methods = ['textDocument/completion', 'textDocument/hover', 'textDocument/documentSymbol', 'textDocument/definition'];
    const nreq = 1 + Math.floor(r() * 2);
    for (let k = 0; k < nreq; k++) {
      const method = methods[Math.floor(r() * methods.length)]!;
      const params = method === 'textDocument/documentSymbol' ? { textDocument: { uri } } : { textDocument: { uri }, position: position(r, doc) };
      const t0 = performance.now();
      let result: unknown;
      try {
        result = await client.request(method, params, Math.max(30000, limit * 10));
      } catch (err) {
        if (client.proc.exitCode !== null || client.proc.signalCode !== null) {
          fail('crash', `server exited (${client.proc.exitCode ?? client.proc.signalCode}) during ${method}; stderr: ${client.stderr.slice(-500)}`, mutations, i, doc);
          await restart();
          break;
        }
        fail('error-response', `${method}: ${err instanceof Error ? err.message : String(err)}`, mutations, i, doc);
        continue;
      }
      requests++;
      const ms = performance.now() - t0;
      trace({ i, how: 'request', method, params, ms: Math.round(ms) });
      if (ms > limit) fail('slow-request', `${method} took ${ms.toFixed(0)} ms (limit ${limit} ms, file ${(size / 1024).toFixed(0)} KB)`, mutations, i, doc);
      const ranges: Array<Range | undefined> = [];
      if (Array.isArray(result)) {
        for (const x of result as Array<{ range?: Range; selectionRange?: Range; textEdit?: { range?: Range }; name?: string }>) {
          ranges.push(x.range, x.selectionRange, x.textEdit?.range);
          if (method === 'textDocument/documentSymbol' && typeof x.name === 'string' && x.name.trim() === '') fail('malformed', 'documentSymbol with a blank name', mutations, i, doc);
        }
      } else if (result && typeof result === 'object') {
        ranges.push((result as { range?: Range }).range);
      }
      if (method !== 'textDocument/definition') {
        for (const rg of ranges) if (!rangeInside(doc, rg)) { fail('range', `${method} range ${JSON.stringify(rg)} outside the document`, mutations, i, doc); break; }
      }
    }
    if (client.proc.exitCode !== null) continue;

    // ---- the diagnostics of this version, while a probe checks that the server keeps answering: a hover on a file
    // that is not open, every 50 ms. (The requests above are answered early in the analysis; a long piece of it
    // after them held up every request of the editor without this.) The limit is 2 s while a file of 1 MB or more
    // is open.
    sizes.set(uri, size);
    const probeLimit = [...sizes.values()].some((n) => n >= MB) ? limitAny : limitSmall;
    let waiting = true;
    let stopSleep = (): void => {};
    const stopped = new Promise<void>((res) => { stopSleep = res; });
    const probing = (async () => {
      while (waiting && client.proc.exitCode === null) {
        const t0 = performance.now();
        try {
          await client.request('textDocument/hover', { textDocument: { uri: PROBE_URI }, position: { line: 0, character: 0 } }, Math.max(30000, probeLimit * 10));
        } catch {
          return; // the server exited (reported below) or timed out (the wait below reports the diagnostics)
        }
        requests++;
        const ms = performance.now() - t0;
        if (ms > probeLimit) {
          fail('slow-request', `a hover on another file took ${ms.toFixed(0)} ms while this one (${(size / 1024).toFixed(0)} KB) was analysed (limit ${probeLimit} ms)`, mutations, i, doc!);
          return;
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((res) => { timer = setTimeout(res, 50); })]);
        clearTimeout(timer);
      }
    })();
    try {
      const published = await diagnostics;
      const bad = published.diagnostics.find((d) => !rangeInside(doc!, d.range));
      if (bad) fail('range', `diagnostic ${bad.code} range ${JSON.stringify(bad.range)} outside the document`, mutations, i, doc);
    } catch {
      if (open.get(uri) === doc) fail('no-diagnostics', `no diagnostics published for version ${doc.version} (${(size / 1024).toFixed(0)} KB)`, mutations, i, doc);
    }
    waiting = false;
    stopSleep();
    await probing;

    // ---- logged errors (stack traces) since the last input
    const logs = client.notifications.slice(logSeen);
    logSeen = client.notifications.length;
    const err = logs.find((m: RpcMessage) => m.method === 'window/logMessage' && (m.params as { type: number }).type === 1);
    if (err) fail('logged-error', String((err.params as { message: string }).message).split('\n')[0]!.slice(0, 300), mutations, i, doc);
    if (client.notifications.length > 5000) { client.notifications.splice(0); logSeen = 0; }

    // ---- open/close churn
    if (r() < 0.15 && open.size > 0) {
      const victim = [...open.keys()][Math.floor(r() * open.size)]!;
      client.notify('textDocument/didClose', { textDocument: { uri: victim } });
      open.delete(victim);
      sizes.delete(victim);
      trace({ i, uri: victim, how: 'close' });
    }
    if (i === Math.min(200, opts.count >> 2)) rssStart = rssMb(client.proc.pid!);
    if (i % 250 === 249) log(`${i + 1} inputs, ${failures.length} failures, RSS ${rssMb(client.proc.pid!).toFixed(0)} MB`);
  }

  // ---- RSS after closing everything
  for (const uri of open.keys()) client.notify('textDocument/didClose', { textDocument: { uri } });
  open.clear();
  await new Promise((res) => setTimeout(res, 1500));
  await client.request('textDocument/hover', { textDocument: { uri: 'file:///none.yaml' }, position: { line: 0, character: 0 } }, 30000).catch(() => undefined);
  rssEnd = rssMb(client.proc.pid!);
  const growth = opts.rssGrowthMb ?? 120;
  if (!(rssEnd <= (Number.isNaN(rssStart) ? rssEnd : rssStart) + growth)) {
    failures.push({ class: 'rss', detail: `RSS ${rssStart.toFixed(0)} MB after warm-up, ${rssEnd.toFixed(0)} MB after closing everything (allowed +${growth} MB)`, mutations: [], input: opts.count, text: '', uri: '' });
  }
  await client.shutdown();

  // ---- minimize and save what reproduces in-process
  if (opts.saveDir) {
    const seen = new Set<string>();
    for (const f of failures) {
      if (f.text === '' || f.text.length > 2 * MB) continue;
      const problem = inProcessProblem(f.text);
      if (!problem) continue;
      const kind = problem.replace(/[^a-z]+/gi, ' ').split(' ').slice(0, 3).join('-').toLowerCase();
      if (seen.has(kind)) continue;
      seen.add(kind);
      const min = minimize(f.text, (t) => inProcessProblem(t) !== undefined);
      const name = `${f.class}-${crypto.createHash('sha256').update(min).digest('hex').slice(0, 8)}.json`;
      fs.mkdirSync(opts.saveDir, { recursive: true });
      fs.writeFileSync(path.join(opts.saveDir, name), `${JSON.stringify({ class: f.class, problem: inProcessProblem(min), mutations: f.mutations, seed: opts.seed, input: f.input, text: min }, null, 2)}\n`);
      saved.push(name);
    }
  }
  const byClass: Record<string, number> = {};
  for (const f of failures) byClass[f.class] = (byClass[f.class] ?? 0) + 1;
  return { inputs: opts.count, requests, failures, byClass, rssStartMb: rssStart, rssEndMb: rssEnd, saved };
}

/** A saved LSP-level regression (test/fuzz/regressions/lsp/*.json): notifications sent in order, then requests. */
export interface LspCase { class: string; problem: string; messages: Array<{ method: string; params: unknown }>; requests: Array<{ method: string; params: unknown }> }

/**
 * Replays an LSP-level case on a running server: the notifications, then each request, which must be answered
 * within `limitMs` without an error; then the diagnostics of the last version of each document must arrive and
 * lie inside the text a fresh document gets from the same changes. Returns the problems found (empty: passed).
 */
export async function replayLspCase(client: LspClient, c: LspCase, limitMs: number): Promise<string[]> {
  const problems: string[] = [];
  const docs = new Map<string, TextDocument>();
  for (const m of c.messages) {
    const p = m.params as { textDocument: { uri: string; version: number; text?: string }; contentChanges?: unknown[] };
    if (m.method === 'textDocument/didOpen') docs.set(p.textDocument.uri, TextDocument.create(p.textDocument.uri, 'yaml', p.textDocument.version, p.textDocument.text ?? ''));
    else if (m.method === 'textDocument/didChange') {
      let d = docs.get(p.textDocument.uri);
      for (const ch of p.contentChanges ?? []) {
        if (!d) break;
        const next = TextDocument.create(d.uri, 'yaml', d.version, d.getText());
        TextDocument.update(next, [ch as never], p.textDocument.version);
        d = TextDocument.create(d.uri, 'yaml', p.textDocument.version, next.getText());
      }
      if (d) docs.set(d.uri, d);
    } else if (m.method === 'textDocument/didClose') docs.delete(p.textDocument.uri);
    client.notify(m.method, m.params);
  }
  const waits = [...docs.values()].map((d) => [d, client.waitForDiagnostics(d.uri, d.version, Math.max(20000, limitMs))] as const);
  for (const [, w] of waits) w.catch(() => undefined);
  for (const q of c.requests) {
    const t0 = performance.now();
    try {
      await client.request(q.method, q.params, Math.max(limitMs * 3, 10000));
      const ms = performance.now() - t0;
      if (ms > limitMs) problems.push(`${q.method} took ${ms.toFixed(0)} ms (limit ${limitMs} ms)`);
    } catch (err) {
      problems.push(`${q.method}: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
    }
  }
  for (const [d, w] of waits) {
    try {
      const published = await w;
      const bad = published.diagnostics.find((x) => !rangeInside(d, x.range));
      if (bad) problems.push(`diagnostic ${bad.code} range ${JSON.stringify(bad.range)} outside ${d.uri}`);
    } catch {
      problems.push(`no diagnostics for ${d.uri} version ${d.version}`);
    }
  }
  const err = client.notifications.find((m) => m.method === 'window/logMessage' && (m.params as { type: number }).type === 1);
  if (err) problems.push(`logged error: ${String((err.params as { message: string }).message).split('\n')[0]!.slice(0, 200)}`);
  return problems;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { count: { type: 'string' }, seed: { type: 'string' }, big: { type: 'boolean' }, 'no-save': { type: 'boolean' } } });
  const count = Number(values.count ?? 5000);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    console.error('usage: npm run fuzz -- [--count N] [--seed S] [--big] [--no-save] [DIR...]');
    process.exit(2);
  }
  const t0 = Date.now();
  const res = await runFuzz({
    count, seed, dirs: positionals, big: values.big ?? true, log: (s) => console.error(s),
    saveDir: values['no-save'] ? undefined : path.resolve(__dirname, 'regressions'),
  });
  console.log(`fuzz: seed ${seed}, ${res.inputs} inputs, ${res.requests} requests, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(`failures: ${res.failures.length}${Object.keys(res.byClass).length ? ` (${Object.entries(res.byClass).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`);
  console.log(`RSS: ${res.rssStartMb.toFixed(0)} MB after warm-up, ${res.rssEndMb.toFixed(0)} MB after closing everything`);
  for (const s of res.saved) console.log(`saved test/fuzz/regressions/${s}`);
  process.exit(res.failures.length > 0 ? 1 : 0);
}

if (require.main === module) void main();
