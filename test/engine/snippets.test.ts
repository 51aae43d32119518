/**
 * snippets/flux.json: one snippet per current Flux kind (derived from FLUX_KINDS), each expanding
 * (tab stops and choices replaced by their defaults) to a Flux object the engine lints without errors or warnings.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { FLUX_KINDS } from '../../server/src/engine/kinds';
import { FluxEngine } from '../../server/src/engine/engine';
import { SchemaRegistry } from '../../server/src/engine/schema/registry';
import { validateValue } from '../../server/src/engine/schema/validate';
import type { SchemaNode } from '../../server/src/engine/schema/types';

const SNIPPETS_FILE = path.join(__dirname, '..', '..', 'snippets', 'flux.json');

// ---------------------------------------------------------------------------------------------------------
// A small expander for VS Code snippet syntax
// ---------------------------------------------------------------------------------------------------------

type SnippetNode =
  | { t: 'text'; value: string }
  | { t: 'tabstop'; index: number; children?: SnippetNode[] }
  | { t: 'choice'; index: number; options: string[] }
  | { t: 'variable'; name: string; children?: SnippetNode[] };

class SnippetSyntaxError extends Error {}

/** Parses snippet text into nodes. Throws SnippetSyntaxError on unterminated or unsupported constructs. */
export function parseSnippet(src: string): SnippetNode[] {
  let i = 0;
  const fail = (what: string): never => {
    throw new SnippetSyntaxError(`${what} at offset ${i} in ${JSON.stringify(src)}`);
  };
  const readInt = (): number | undefined => {
    const m = /^[0-9]+/.exec(src.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  const readName = (): string | undefined => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const readChoice = (): string[] => {
    const options: string[] = [];
    let cur = '';
    for (;;) {
      if (i >= src.length) fail('unterminated choice');
      const c = src[i];
      if (c === '\\' && i + 1 < src.length && ',|\\'.includes(src[i + 1])) {
        cur += src[i + 1];
        i += 2;
      } else if (c === ',') {
        options.push(cur);
        cur = '';
        i++;
      } else if (c === '|') {
        if (src[i + 1] !== '}') fail("expected '}' after '|'");
        options.push(cur);
        i += 2;
        return options;
      } else {
        cur += c;
        i++;
      }
    }
  };
  const parseSeq = (nested: boolean): SnippetNode[] => {
    const out: SnippetNode[] = [];
    let text = '';
    const flush = (): void => {
      if (text !== '') out.push({ t: 'text', value: text });
      text = '';
    };
    while (i < src.length) {
      const c = src[i];
      if (c === '\\' && i + 1 < src.length && '$}\\'.includes(src[i + 1])) {
        text += src[i + 1];
        i += 2;
        continue;
      }
      if (c === '}' && nested) {
        flush();
        return out;
      }
      if (c !== '$') {
        text += c;
        i++;
        continue;
      }
      const start = i;
      i++;
      const n = readInt();
      if (n !== undefined) {
        flush();
        out.push({ t: 'tabstop', index: n });
        continue;
      }
      const name = readName();
      if (name !== undefined) {
        flush();
        out.push({ t: 'variable', name });
        continue;
      }
      if (src[i] !== '{') {
        text += '$';
        continue;
      }
      i++;
      const idx = readInt();
      const vname = idx === undefined ? readName() : undefined;
      if (idx === undefined && vname === undefined) fail(`'\${' not followed by a number or a name (from offset ${start})`);
      flush();
      const sep = src[i];
      if (sep === '}') {
        i++;
        out.push(idx !== undefined ? { t: 'tabstop', index: idx } : { t: 'variable', name: vname as string });
      } else if (sep === ':') {
        i++;
        const children = parseSeq(true);
        if (src[i] !== '}') fail('unterminated placeholder');
        i++;
        out.push(idx !== undefined ? { t: 'tabstop', index: idx, children } : { t: 'variable', name: vname as string, children });
      } else if (sep === '|' && idx !== undefined) {
        i++;
        out.push({ t: 'choice', index: idx, options: readChoice() });
      } else {
        fail(`unsupported snippet construct '${sep ?? 'end of text'}'`);
      }
    }
    if (nested) fail('unterminated placeholder');
    flush();
    return out;
  };
  return parseSeq(false);
}

/**
 * Expands a snippet: each placeholder becomes its default, each choice its option number `choice`
 * (the last option when there are fewer), a bare `$n` mirrors the placeholder of the same index, `$0` and
 * unknown variables become empty.
 */
export function expandSnippet(src: string, choice = 0): string {
  const nodes = parseSnippet(src);
  const defaults = new Map<number, string>();
  const render = (list: SnippetNode[]): string => list.map((n) => {
    switch (n.t) {
      case 'text': return n.value;
      case 'choice': return n.options[Math.min(choice, n.options.length - 1)] ?? '';
      case 'tabstop': return n.children ? render(n.children) : defaults.get(n.index) ?? '';
      case 'variable': return n.children ? render(n.children) : '';
    }
  }).join('');
  const collect = (list: SnippetNode[]): void => {
    for (const n of list) {
      if (n.t === 'choice' && !defaults.has(n.index)) defaults.set(n.index, n.options[Math.min(choice, n.options.length - 1)] ?? '');
      if (n.t === 'tabstop' && n.children) {
        collect(n.children);
        if (!defaults.has(n.index)) defaults.set(n.index, render(n.children));
      }
      if (n.t === 'variable' && n.children) collect(n.children);
    }
  };
  collect(nodes);
  return render(nodes);
}

/** The largest number of options any choice of the snippet offers (1 when it has none). */
function maxChoices(nodes: SnippetNode[]): number {
  let m = 1;
  for (const n of nodes) {
    if (n.t === 'choice') m = Math.max(m, n.options.length);
    if ((n.t === 'tabstop' || n.t === 'variable') && n.children) m = Math.max(m, maxChoices(n.children));
  }
  return m;
}

describe('snippet expander', () => {
  it('replaces tab stops, placeholders, choices and $0', () => {
    assert.equal(expandSnippet('a: ${1:x}\nb: $2$0'), 'a: x\nb: ');
    assert.equal(expandSnippet('k: ${1|one,two,three|}'), 'k: one');
    assert.equal(expandSnippet('k: ${1|one,two,three|}', 1), 'k: two');
    assert.equal(expandSnippet('k: ${1|one,two|}', 5), 'k: two');
    assert.equal(expandSnippet('${1:outer ${2:inner}} $2'), 'outer inner inner');
  });
  it('mirrors a bare tab stop, before or after its placeholder', () => {
    assert.equal(expandSnippet('$1 / ${1:name} / ${1}'), 'name / name / name');
    assert.equal(expandSnippet('${2|a,b|}-$2'), 'a-a');
  });
  it('handles escapes and variables', () => {
    assert.equal(expandSnippet('\\${VAR} \\} \\\\ \\n'), '${VAR} } \\ \\n');
    assert.equal(expandSnippet('${1|a\\,b,c\\|d|}', 0), 'a,b');
    assert.equal(expandSnippet('${1|a\\,b,c\\|d|}', 1), 'c|d');
    assert.equal(expandSnippet('$TM_FILENAME ${TM_SELECTED_TEXT:dflt} x'), ' dflt x');
    assert.equal(expandSnippet('cost: $ 5'), 'cost: $ 5');
  });
  it('rejects malformed snippets', () => {
    assert.throws(() => expandSnippet('${1:never closed'), SnippetSyntaxError);
    assert.throws(() => expandSnippet('${1|a,b'), SnippetSyntaxError);
    assert.throws(() => expandSnippet('${}'), SnippetSyntaxError);
    assert.throws(() => expandSnippet('${1/(.*)/$1/}'), SnippetSyntaxError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The snippet file
// ---------------------------------------------------------------------------------------------------------

interface Snippet {
  name: string;
  prefix: string;
  body: string;
  description: string;
}

function loadSnippets(): Snippet[] {
  const raw: unknown = JSON.parse(fs.readFileSync(SNIPPETS_FILE, 'utf8'));
  assert.ok(typeof raw === 'object' && raw !== null && !Array.isArray(raw), 'the snippet file must hold a JSON object');
  return Object.entries(raw as Record<string, unknown>).map(([name, v]) => {
    assert.ok(typeof v === 'object' && v !== null, `${name}: must be an object`);
    const s = v as Record<string, unknown>;
    assert.equal(typeof s.prefix, 'string', `${name}: prefix must be a string`);
    assert.equal(typeof s.description, 'string', `${name}: description must be a string`);
    assert.ok(Array.isArray(s.body) && s.body.length > 0 && s.body.every((l) => typeof l === 'string'), `${name}: body must be a list of lines`);
    return { name, prefix: s.prefix as string, description: s.description as string, body: (s.body as string[]).join('\n') };
  });
}

/** Every value under an `interval`, `timeout` or `retryInterval` key anywhere in the object. */
function durations(value: unknown, out: Array<[string, unknown]> = [], at = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) value.forEach((v, i) => durations(v, out, `${at}[${i}]`));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const p = at ? `${at}.${k}` : k;
      if (['interval', 'timeout', 'retryInterval'].includes(k)) out.push([p, v]);
      else durations(v, out, p);
    }
  }
  return out;
}

/**
 * ArtifactGenerator (source.extensions.fluxcd.io/v1beta1) is not in the bundled schema package; this is its
 * spec as declared by the source-watcher API types (fields, required lists, patterns, enums).
 */
const NAME = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$';
const ALIAS = '^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$';
const ARTIFACT_GENERATOR: SchemaNode = {
  type: 'object',
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['sources', 'artifacts'],
      properties: {
        sources: {
          type: 'array', minItems: 1, maxItems: 1000,
          items: {
            type: 'object', required: ['alias', 'name', 'kind'],
            properties: {
              alias: { type: 'string', pattern: ALIAS, maxLength: 63 },
              name: { type: 'string', pattern: NAME, maxLength: 253 },
              namespace: { type: 'string', pattern: NAME, minLength: 1, maxLength: 63 },
              kind: { type: 'string', enum: ['Bucket', 'GitRepository', 'OCIRepository', 'HelmChart', 'ExternalArtifact'] },
            },
          },
        },
        artifacts: {
          type: 'array', minItems: 1, maxItems: 1000,
          items: {
            type: 'object', required: ['name', 'copy'],
            properties: {
              name: { type: 'string', pattern: NAME, maxLength: 253 },
              revision: { type: 'string', pattern: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$', maxLength: 64 },
              originRevision: { type: 'string', pattern: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)$', maxLength: 64 },
              copy: {
                type: 'array', minItems: 1,
                items: {
                  type: 'object', required: ['from', 'to'],
                  properties: {
                    from: { type: 'string', pattern: '^@([a-z0-9]([a-z0-9_-]*[a-z0-9])?)/(.*)$', maxLength: 1024 },
                    to: { type: 'string', pattern: '^@(artifact)/(.*)$', maxLength: 1024 },
                    exclude: { type: 'array', items: { type: 'string' } },
                    strategy: { type: 'string', enum: ['Overwrite', 'Merge', 'Extract'] },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

describe('snippets/flux.json', () => {
  const snippets = loadSnippets();
  const registry = SchemaRegistry.bundled();
  const engine = new FluxEngine();

  const expanded = snippets.map((s) => {
    const text = expandSnippet(s.body);
    const doc = parseDocument(text);
    return { s, text, doc, obj: doc.toJS() as Record<string, unknown> | null };
  });

  it('every current Flux kind has exactly one snippet, at its current apiVersion, with a flux-<kind> prefix', () => {
    for (const k of FLUX_KINDS) {
      const mine = expanded.filter((e) => e.obj?.kind === k.kind);
      assert.equal(mine.length, 1, `${k.kind}: expected exactly one snippet, found ${mine.length}`);
      const e = mine[0];
      assert.equal(e.obj?.apiVersion, `${k.group}/${k.current}`, `${e.s.name}: apiVersion`);
      assert.equal(e.s.prefix, `flux-${k.kind.toLowerCase()}`, `${e.s.name}: prefix`);
      assert.ok(e.s.description.includes(k.kind), `${e.s.name}: the description names the kind`);
    }
  });

  it('has no snippet for anything but a current Flux kind', () => {
    for (const e of expanded) {
      const k = FLUX_KINDS.find((f) => f.kind === e.obj?.kind);
      assert.ok(k, `${e.s.name}: kind ${String(e.obj?.kind)} is not a Flux kind`);
      assert.equal(e.obj?.apiVersion, `${k.group}/${k.current}`, `${e.s.name}: not the current apiVersion`);
    }
    assert.equal(new Set(snippets.map((s) => s.prefix)).size, snippets.length, 'prefixes are unique');
  });

  it('every body is one YAML document with a name and a namespace, and durations are Go durations', () => {
    for (const e of expanded) {
      assert.deepEqual(e.doc.errors.map((x) => x.message), [], `${e.s.name}: YAML errors`);
      assert.ok(e.obj && typeof e.obj === 'object', `${e.s.name}: not a map`);
      const meta = e.obj.metadata as Record<string, unknown> | undefined;
      assert.match(String(meta?.name), new RegExp(NAME), `${e.s.name}: metadata.name`);
      assert.match(String(meta?.namespace), new RegExp(NAME), `${e.s.name}: metadata.namespace`);
      assert.ok(typeof e.obj.spec === 'object' && e.obj.spec !== null, `${e.s.name}: spec`);
      for (const [p, v] of durations(e.obj.spec)) assert.match(String(v), GO_DURATION, `${e.s.name}: spec.${p}`);
      assert.ok(!/\t/.test(e.text), `${e.s.name}: tabs in YAML indentation`);
    }
  });

  it('every body, with each choice option in turn, validates against the kind\'s schema and the engine lints it with no error or warning', () => {
    let checked = 0;
    for (const s of snippets) {
      const variants = maxChoices(parseSnippet(s.body));
      for (let c = 0; c < variants; c++) {
        const text = expandSnippet(s.body, c);
        const doc = parseDocument(text);
        assert.deepEqual(doc.errors.map((x) => x.message), [], `${s.name} (choice ${c}): YAML errors`);
        const obj = doc.toJS() as Record<string, unknown>;
        const k = FLUX_KINDS.find((f) => f.kind === obj.kind);
        assert.ok(k, `${s.name}: not a Flux kind`);
        const schema = registry.get(k.group, k.current, k.kind) ?? (k.kind === 'ArtifactGenerator' ? ARTIFACT_GENERATOR : undefined);
        assert.ok(schema, `${s.name}: no schema for ${k.group}/${k.current} ${k.kind}`);
        assert.deepEqual(validateValue(schema, obj).map((x) => x.message), [], `${s.name} (choice ${c}): schema errors\n${text}`);
        const bad = engine.diagnostics(text, 'file:///s.yaml').filter((d) => d.severity === 'error' || d.severity === 'warning');
        assert.deepEqual(bad.map((d) => `${d.severity} ${d.code}: ${d.message}`), [], `${s.name} (choice ${c}): engine diagnostics\n${text}`);
        checked++;
      }
    }
    assert.ok(checked >= FLUX_KINDS.length);
  });

  it('schema validation and the engine flag a broken snippet body (the checks above can fail)', () => {
    const e = expanded.find((x) => x.obj?.kind === 'GitRepository');
    assert.ok(e);
    const broken = e.text.replace(/interval: .*/, 'interval: 5 minutes');
    const k = FLUX_KINDS.find((f) => f.kind === 'GitRepository');
    assert.ok(k);
    const schema = registry.get(k.group, k.current, k.kind);
    assert.ok(schema);
    assert.ok(validateValue(schema, parseDocument(broken).toJS()).some((x) => x.keyword === 'pattern'));
    const flagged = engine.diagnostics(broken, 'file:///s.yaml').filter((d) => d.severity === 'error');
    assert.ok(flagged.some((d) => d.message.includes('spec.interval')), JSON.stringify(flagged));
    const oldVersion = e.text.replace(/^apiVersion: .*$/m, 'apiVersion: source.toolkit.fluxcd.io/v1beta1');
    assert.ok(engine.diagnostics(oldVersion, 'file:///s.yaml').some((d) => d.severity === 'error' || d.severity === 'warning'));
  });
});
