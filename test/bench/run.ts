/**
 * `npm run bench [-- --json FILE]`: one run, one table. Every row has its figure (median of >= 5 runs with
 * min-max where it is measured repeatedly), the reference measured in the same run, the ratio, the target and
 * PASS/FAIL. A FAIL never fails the command (the bench is not a test); `--json FILE` also writes the rows.
 * Rows come from fleet.bench.ts (engine, peer, linear growth, LSP, bundles) and cluster.bench.ts; other bench files return
 * BenchRow[] (table.ts) and are listed in SUITES.
 * Each suite runs in a Node process of its own (this file with the internal `--suite N`), so that no suite's
 * figures carry another's memory or JIT state: the cluster client's RSS rows were the bench process's, 2 GB
 * after the fleet suite had run in it.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable, type BenchRow } from './table';

/** The cluster bench's figures, keyed by label, as rows (targets read from the labels: "(ms, target <= 1500)"). */
function clusterRows(figures: Record<string, string | number>): BenchRow[] {
  return Object.entries(figures).map(([name, v]) => {
    const m = /\((\w+)(?:, target <= (\d+))?\)/.exec(name);
    const value = typeof v === 'number' ? v : Number.parseFloat(v);
    const unit = typeof v === 'string' ? v.replace(/^[\d.]+\s*/, '') : m?.[1] ?? '';
    const row: BenchRow = { name: `cluster: ${name.replace(/\s*\([^)]*\)\s*$/, '')}`, value, unit };
    if (m?.[2]) { row.target = `<= ${m[2]} ${unit}`; row.pass = value <= Number(m[2]); }
    return row;
  });
}

/** Plain figures (label -> value) as rows without a reference or target. */
function figureRows(prefix: string, figures: Record<string, string | number>): BenchRow[] {
  return Object.entries(figures).map(([name, v]) => ({
    name: `${prefix}: ${name}`, value: typeof v === 'number' ? v : Number.parseFloat(v),
    unit: typeof v === 'string' ? v.replace(/^[\d.]+\s*/, '') : '',
  }));
}

const SUITES: Array<{ name: string; run: (log: (s: string) => void) => Promise<BenchRow[]> }> = [
  { name: 'engine and language server (generated fleet, yaml-language-server peer)', run: async (log) => (await import('./fleet.bench')).benchFleet(log) },
  { name: 'linear growth (generated fleets)', run: async (log) => (await import('./fleet.bench')).benchLinearGrowth(log) },
  { name: 'cluster (fixture API server)', run: async () => clusterRows(await (await import('./cluster.bench')).benchCluster()) },
  { name: 'schema sources', run: async () => figureRows('schema', await (await import('./schema.bench')).benchSchemaSwitch()) },
  { name: 'controller logs', run: async () => [(await import('./logs.bench')).benchLogThroughput()] },
];

/** Runs SUITES[index] in a child process; resolves with its rows (structured clone keeps NaN). */
function runSuiteInChild(index: number): Promise<BenchRow[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--suite', String(index)], {
      execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced',
    });
    let rows: BenchRow[] | undefined;
    child.on('message', (m: BenchRow[]) => { rows = m; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (rows) resolve(rows);
      else reject(new Error(`the suite's process ended (${signal ?? `exit code ${code}`}) without its rows`));
    });
  });
}

/** The child's side: one suite, its rows sent to the parent. A failure is a row, as in the parent. */
async function childMain(index: number): Promise<void> {
  const s = SUITES[index];
  if (!s) throw new Error(`no bench suite ${index}`);
  let rows: BenchRow[];
  try {
    rows = await s.run((m) => console.error(`   ${m}`));
  } catch (err) {
    console.error(`   ${s.name} failed: ${err instanceof Error ? err.stack : String(err)}`);
    rows = [{ name: `${s.name}: did not run`, value: NaN, unit: '', pass: false }];
  }
  await new Promise<void>((r) => process.send!(rows, () => r()));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' }, only: { type: 'string' }, suite: { type: 'string' } } });
  if (values.suite !== undefined) return childMain(Number(values.suite));
  const rows: BenchRow[] = [];
  for (const [i, s] of SUITES.entries()) {
    if (values.only && !s.name.includes(values.only)) continue;
    console.error(`== ${s.name}`);
    try {
      rows.push(...await runSuiteInChild(i));
    } catch (err) {
      console.error(`   ${s.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      rows.push({ name: `${s.name}: did not run`, value: NaN, unit: '', pass: false });
    }
  }
  console.log(formatTable(rows));
  const fails = rows.filter((r) => r.pass === false).length;
  console.log(`\n${rows.filter((r) => r.pass === true).length} PASS, ${fails} FAIL (node ${process.version}, ${new Date().toISOString()})`);
  if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
}

let finished = false;
// A suite awaiting something that can never settle (with no timer or socket left) would let Node end the run
// silently with status 0 and no table: say so instead.
process.on('beforeExit', () => {
  if (!finished) { console.error('bench: a suite awaited something that never settles; the run ended without its table'); process.exit(1); }
});
main().then(() => { finished = true; process.exit(0); }, (err: unknown) => { finished = true; console.error(err); process.exit(0); });
