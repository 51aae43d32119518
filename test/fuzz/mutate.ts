/**
 * Deterministic mutations of YAML text for the language-server fuzzer (fuzz.ts). Every mutation is a pure
 * function of (text, random source): the same seed gives the same inputs.
 */
import { FLUX_KINDS } from '../../server/src/engine/kinds';

export type Rand = () => number;

/** mulberry32: a small seeded PRNG (the fuzzer, the bench's fleet and the bad-input tests share it). */
export function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

function lines(text: string): string[] {
  return text.split('\n');
}

/** A line that holds `key: value` (index), or -1. */
function keyLine(r: Rand, ls: string[]): number {
  const idx = ls.map((l, i) => (/^\s*[\w.-]+:/.test(l) ? i : -1)).filter((i) => i >= 0);
  return idx.length ? pick(r, idx) : -1;
}

const API_VERSIONS = FLUX_KINDS.flatMap((k) => [...k.versions.map((v) => v.version), 'v0', 'v1beta9'].map((v) => ({ apiVersion: `${k.group}/${v}`, kind: k.kind })));

/** The mutation classes, by name. Heavy ones (MBs of text) are marked `big`, costly ones (100s of KB) `medium`. */
export const MUTATIONS: Record<string, { big?: boolean; medium?: boolean; apply: (text: string, r: Rand) => string }> = {
  'byte-flip': { apply: (t, r) => { if (!t) return t; const i = int(r, t.length); return t.slice(0, i) + String.fromCharCode(int(r, 128)) + t.slice(i + 1); } },
  'line-delete': { apply: (t, r) => { const ls = lines(t); ls.splice(int(r, ls.length), 1 + int(r, 3)); return ls.join('\n'); } },
  'line-duplicate': { apply: (t, r) => { const ls = lines(t); const i = int(r, ls.length); ls.splice(i, 0, ls[i] ?? ''); return ls.join('\n'); } },
  indentation: { apply: (t, r) => { const ls = lines(t); const i = int(r, ls.length); ls[i] = (r() < 0.5 ? ' '.repeat(1 + int(r, 5)) + ls[i] : ls[i]!.replace(/^ {1,3}/, '')); return ls.join('\n'); } },
  truncate: { apply: (t, r) => t.slice(0, int(r, t.length + 1)) },
  'delete-key': { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls.splice(i, 1); return ls.join('\n'); } },
  'scalar-type': { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls[i] = ls[i]!.replace(/:.*$/, `: ${pick(r, ['123', 'true', 'null', '~', '1.5e3', '"str"', '[]', '{}', '0x1F', '.inf', "''", '2026-01-01'])}`); return ls.join('\n'); } },
  'duplicate-key': { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls.splice(i, 0, ls[i]!); return ls.join('\n'); } },
  anchors: { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); const j = keyLine(r, ls); if (i >= 0 && j >= 0) { ls[i] = ls[i]!.replace(/:\s*/, ': &a '); ls[j] = ls[j]!.replace(/:.*$/, ': *a'); } return ls.join('\n'); } },
  'self-anchor': { medium: true, apply: (t, r) => `${t}\nselfref: &s [${Array.from({ length: 50 + int(r, 3000) }, () => '*s').join(', ')}]\n` },
  'merge-key': { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls.splice(i, 0, `${/^\s*/.exec(ls[i]!)![0]}<<: ${pick(r, ['*a', '*missing', '[*a, *b]', '{x: 1}'])}`); return `base: &a {x: 1}\n${ls.join('\n')}`; } },
  tags: { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls[i] = ls[i]!.replace(/:\s*/, `: ${pick(r, ['!!str ', '!!int ', '!!binary ', '!custom ', '!<tag:x> ', '!!map ', '!!seq '])}`); return ls.join('\n'); } },
  flow: { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls[i] = ls[i]!.replace(/:.*$/, `: ${pick(r, ['{a: [1, 2], b: {c: d}}', '[a, b, {c: [d]}]', '{', '[a, b', '{a: 1,, b}', '[[[[[]]]]]'])}`); return ls.join('\n'); } },
  'inject-var': { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls[i] = ls[i]!.replace(/:.*$/, `: ${pick(r, ['${VAR}', '${VAR:=5m}', '"${A}-${B:-x}"', '${', '$${X}'])}`); return ls.join('\n'); } },
  'inject-enc': { apply: (t, r) => { const ls = lines(t); const i = keyLine(r, ls); if (i >= 0) ls[i] = ls[i]!.replace(/:.*$/, `: ${pick(r, ['ENC[AES256_GCM,data:abc=,iv:x=,tag:y==,type:str]', 'ENC[', 'ENC[]'])}`); return r() < 0.3 ? `${ls.join('\n')}\nsops:\n  mac: ENC[AES256_GCM,data:x,type:str]\n  version: 3.9.0\n` : ls.join('\n'); } },
  'inject-template': { apply: (t, r) => { const ls = lines(t); ls.splice(int(r, ls.length), 0, pick(r, ['{{ .Values.x }}', '{{- if .Values.enabled }}', '  name: {{ include "x" . }}', '{{'])); return ls.join('\n'); } },
  crlf: { apply: (t) => t.replace(/\n/g, '\r\n') },
  'lone-cr': { apply: (t) => t.replace(/\n/g, '\r') },
  bom: { apply: (t) => `\uFEFF${t}` },
  tabs: { apply: (t, r) => { const ls = lines(t); const i = int(r, ls.length); ls[i] = ls[i]!.replace(/^ +/, '\t'); return ls.join('\n'); } },
  nul: { apply: (t, r) => { const i = int(r, t.length + 1); return `${t.slice(0, i)}\u0000${t.slice(i)}`; } },
  'invalid-utf8': { apply: (t, r) => { const i = int(r, t.length + 1); return `${t.slice(0, i)}\uFFFD\uFFFD${t.slice(i)}`; } },
  'lone-surrogate': { apply: (t, r) => { const i = int(r, t.length + 1); return `${t.slice(0, i)}${pick(r, ['\uD800', '\uDFFF', '\uD83D'])}${t.slice(i)}`; } },
  'kind-swap': { apply: (t, r) => { const k = pick(r, API_VERSIONS); return t.replace(/^apiVersion:.*$/m, `apiVersion: ${k.apiVersion}`).replace(/^kind:.*$/m, `kind: ${r() < 0.8 ? k.kind : pick(r, API_VERSIONS).kind}`); } },
  'block-scalar-kind': { apply: (t, r) => t.replace(/^kind:.*$/m, `kind: ${pick(r, ['|+', '>-', '|', '|2'])}\n${pick(r, ['', '  ', '  GitRepository', '\n\n'])}`) },
  'deep-nesting': { medium: true, apply: (t, r) => { const d = 50 + int(r, 600); return `${t}\n${r() < 0.5 ? `x: ${'['.repeat(d)}${']'.repeat(d)}` : Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n`; } },
  'alias-bomb': { apply: (t) => `${t}\na: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n` },
  'many-unknown-keys': { medium: true, apply: (t, r) => `${t.replace(/\n?$/, '\n')}${Array.from({ length: 1000 + int(r, 20000) }, (_, i) => `  k${i}: 1`).join('\n')}\n` },
  'many-documents': { medium: true, apply: (t, r) => Array.from({ length: Math.max(1, Math.min(200 + int(r, 2000), Math.floor((2 << 20) / (t.length + 5)))) }, () => t).join('\n---\n') },
  'long-line': { big: true, apply: (t, r) => `${t}\nlong: ${r() < 0.5 ? 'x'.repeat(1 << 20) : `[${Array.from({ length: 150000 }, (_, i) => i).join(', ')}]`}\n` },
  'huge-document': { big: true, apply: (t) => `${t.replace(/\n?$/, '\n')}data:\n${'  some-key-with-a-long-name: some value here\n'.repeat(240000)}` },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);
