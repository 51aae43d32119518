#!/usr/bin/env node
// Real-world false-positive check: lints a corpus directory with the built CLI and fails on
// any error outside the corpus README's "Known true findings" list. Usage: node test/corpus-check.mjs DIR
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const dir = process.argv[2];
if (!dir || !fs.existsSync(dir)) {
  console.error('usage: node test/corpus-check.mjs CORPUS_DIR');
  process.exit(2);
}
const cli = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'cli.js');
let out;
try {
  out = execFileSync(process.execPath, [cli, 'lint', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
} catch (err) {
  if (err.status !== 1) throw err; // exit 1 = errors found; judged below
  out = err.stdout;
}
const { diagnostics } = JSON.parse(out);

// Known true findings: the backticked paths listed under the README heading.
const readme = path.join(dir, 'README.md');
const known = new Set();
if (fs.existsSync(readme)) {
  const section = fs.readFileSync(readme, 'utf8').split(/Known true findings/i)[1] ?? '';
  for (const m of section.matchAll(/^- `([^`]+)`/gm)) known.add(path.normalize(m[1]));
}
const rel = (f) => path.normalize(path.relative(dir, f));
const errors = diagnostics.filter((d) => d.severity === 'error');
const unexpected = errors.filter((d) => !known.has(rel(d.file)));
const foundKnown = new Set(errors.filter((d) => known.has(rel(d.file))).map((d) => rel(d.file)));
const missed = [...known].filter((k) => !foundKnown.has(k));
const count = (s) => diagnostics.filter((d) => d.severity === s).length;

for (const d of unexpected) console.log(`UNEXPECTED ${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}`);
for (const k of missed) console.log(`MISSED known finding in ${k}`);
for (const d of diagnostics.filter((x) => x.severity !== 'error')) console.log(`note ${d.severity} ${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}`);
console.log(`corpus: ${errors.length} error(s) (${errors.length - unexpected.length} known true findings), ${count('warning')} warning(s), ${count('information') + count('hint')} note(s); ${unexpected.length} unexpected, ${missed.length} missed`);
process.exit(unexpected.length || missed.length ? 1 : 0);
