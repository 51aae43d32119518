#!/usr/bin/env node
/**
 * Derives the bundled Flux schemas from the devDependency @kubernetes-models/flux-cd.
 *
 * - Structure, property names, required vs optional, descriptions, string-literal enums, arrays, maps and
 *   free-form JSON come from the package's `.d.ts` interfaces, read with the TypeScript compiler API
 *   (imports are followed into @kubernetes-models/apimachinery and the github.com/fluxcd/pkg types).
 * - Value constraints (pattern, enum, minLength/maxLength, minimum/maximum, minItems/maxItems, format,
 *   integer vs number) come from the package's compiled ajv validators (`_schemas/*.js`), by probing:
 *   a probe value is put at each path of the kind's object, the kind's validator is run, and the ajv errors
 *   reported at that exact path are read back.
 * - The package carries no defaults, so the output has none.
 * - ArtifactGenerator (source.extensions.fluxcd.io) is not in the package and is therefore absent.
 * - Optional supplement: @kubernetes-models/flux-cd 4.x is generated from the Go API types and lost the
 *   field-level kubebuilder markers and docs of metav1.Duration fields (no Go-duration pattern and no
 *   description on `interval`, `timeout`, ...). Older releases of the same package (3.x) were generated from
 *   the Flux CRD YAML and have them. When such a package is installed under the alias `flux-cd-crds`
 *   (or its directory is given in FLUX_SCHEMAS_SUPPLEMENT), it is read the same way and, at identical paths of
 *   the same kind (same version first, else the kind's newest version there), fills in only what the main
 *   package lacks: descriptions and pattern/length/range/item-count constraints. Never properties or enums.
 *   The constraints so added are listed in the output's `supplemented` (the agreement test skips them).
 *
 * Output: server/generated/flux-schemas.json = { source, kinds: KindSchema[] } (see engine/schema/types.ts).
 * Deterministic (sorted kinds, declaration-ordered properties) and offline.
 */
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const started = performance.now();
const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');
const require = createRequire(join(projectRoot, 'package.json'));
const PKG_NAME = '@kubernetes-models/flux-cd';
const pkgDir = dirname(require.resolve(`${PKG_NAME}/package.json`));
const pkgVersion = readVersion(pkgDir);
const outFile = join(projectRoot, 'server', 'generated', 'flux-schemas.json');

function readVersion(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** The supplement package directory, when one is installed (see the header). */
function supplementDir() {
  const fromEnv = process.env.FLUX_SCHEMAS_SUPPLEMENT;
  if (fromEnv) return resolve(fromEnv);
  try {
    return dirname(require.resolve('flux-cd-crds/package.json'));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// 1. Find the kind declarations: <group>/<version>/<Kind>.d.ts whose interface has literal apiVersion/kind.
// ---------------------------------------------------------------------------------------------------------
function kindFiles(dir) {
  const groupDirs = readdirSync(dir)
    .filter((d) => d.includes('.') && d !== 'github.com' && statSync(join(dir, d)).isDirectory())
    .sort();
  const rootFiles = [];
  for (const g of groupDirs) {
    for (const v of readdirSync(join(dir, g)).sort()) {
      const vdir = join(dir, g, v);
      if (!statSync(vdir).isDirectory()) continue;
      for (const f of readdirSync(vdir).sort()) {
        if (f.endsWith('.d.ts') && f !== 'index.d.ts' && !f.endsWith('List.d.ts')) rootFiles.push(join(vdir, f));
      }
    }
  }
  return rootFiles;
}

/** The checker of the package being read (one package at a time). */
let checker;

function docOf(symbol) {
  if (!symbol) return undefined;
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  return text === '' ? undefined : text;
}

/** A type's own documentation, only for types declared by the kubernetes-models packages (never lib types). */
function typeDoc(type) {
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & NULLISH));
    if (parts.length !== 1) return type.aliasSymbol ? docOf(type.aliasSymbol) : undefined;
    type = parts[0];
  }
  const sym = type.aliasSymbol ?? type.getSymbol();
  const decl = sym?.declarations?.[0];
  if (!decl) return undefined;
  const file = decl.getSourceFile().fileName;
  if (!/[\\/]node_modules[\\/](@kubernetes-models|kubernetes-models)[\\/]/.test(file)) return undefined;
  return docOf(sym);
}

const NULLISH = ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void;

function literalKind(t) {
  if (t.flags & ts.TypeFlags.StringLiteral) return 'string';
  if (t.flags & ts.TypeFlags.NumberLiteral) return 'number';
  if (t.flags & ts.TypeFlags.BooleanLiteral) return 'boolean';
  return undefined;
}

function isStringLike(t) {
  return (t.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) !== 0;
}
function isNumberLike(t) {
  return (t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) !== 0;
}

/** Converts a TypeScript type into a SchemaNode (structure only; constraints come later from probing). */
function toSchema(type, stack) {
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { 'x-kubernetes-preserve-unknown-fields': true };
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & NULLISH));
    if (parts.length === 0) return { 'x-kubernetes-preserve-unknown-fields': true };
    if (parts.length === 1) return toSchema(parts[0], stack);
    const kinds = new Set(parts.map(literalKind));
    if (kinds.size === 1 && kinds.has('boolean')) return { type: 'boolean' };
    if (kinds.size === 1 && kinds.has('string')) return { type: 'string', enum: parts.map((t) => t.value) };
    if (kinds.size === 1 && kinds.has('number')) return { type: 'number', enum: parts.map((t) => t.value) };
    if (parts.every((t) => isStringLike(t) || isNumberLike(t)) && parts.some(isStringLike) && parts.some(isNumberLike)) {
      return { 'x-kubernetes-int-or-string': true };
    }
    return { 'x-kubernetes-preserve-unknown-fields': true };
  }
  if (type.flags & ts.TypeFlags.StringLiteral) return { type: 'string', enum: [type.value] };
  if (type.flags & ts.TypeFlags.String) return { type: 'string' };
  if (type.flags & ts.TypeFlags.NumberLiteral) return { type: 'number', enum: [type.value] };
  if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
  if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
  if (checker.isArrayType(type)) {
    const [el] = checker.getTypeArguments(type);
    const items = toSchema(el, stack);
    const d = typeDoc(el);
    if (d && items.description === undefined) items.description = d;
    return { type: 'array', items };
  }
  if (type.flags & ts.TypeFlags.Object) {
    if (stack.includes(type)) return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const next = [...stack, type];
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (props.length === 0 && !index) {
      // An empty interface such as apiextensions JSON or FieldsV1: any JSON value.
      return { 'x-kubernetes-preserve-unknown-fields': true };
    }
    const node = { type: 'object' };
    if (props.length > 0) {
      node.properties = {};
      const required = [];
      for (const p of props) {
        const decl = p.valueDeclaration ?? p.declarations?.[0];
        const pt = decl ? checker.getTypeOfSymbolAtLocation(p, decl) : checker.getTypeOfSymbol(p);
        const child = toSchema(pt, next);
        const d = docOf(p) ?? typeDoc(pt);
        node.properties[p.name] = d === undefined ? child : { description: d, ...child };
        if (!(p.flags & ts.SymbolFlags.Optional)) required.push(p.name);
      }
      if (required.length > 0) node.required = required;
    }
    if (index) {
      const v = toSchema(index.type, next);
      node.additionalProperties = Object.keys(v).length === 1 && v['x-kubernetes-preserve-unknown-fields'] ? true : v;
    }
    return node;
  }
  return { 'x-kubernetes-preserve-unknown-fields': true };
}

function extractKinds(dir) {
const rootFiles = kindFiles(dir);
const program = ts.createProgram(rootFiles, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
});
checker = program.getTypeChecker();
const kinds = [];
for (const file of rootFiles) {
  const sf = program.getSourceFile(file);
  if (!sf) continue;
  for (const st of sf.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue;
    const type = checker.getTypeAtLocation(st.name);
    const av = type.getProperty('apiVersion');
    const kd = type.getProperty('kind');
    if (!av || !kd) continue;
    const avType = checker.getTypeOfSymbol(av);
    const kdType = checker.getTypeOfSymbol(kd);
    if (!(avType.flags & ts.TypeFlags.StringLiteral) || !(kdType.flags & ts.TypeFlags.StringLiteral)) continue;
    if (kdType.value.endsWith('List')) continue;
    const apiVersion = avType.value;
    const slash = apiVersion.lastIndexOf('/');
    const schema = toSchema(type, []);
    const d = docOf(type.getSymbol());
    if (d) schema.description = d;
    // apiVersion/kind documentation lives on the TypeMeta base interface.
    for (const base of checker.getBaseTypes(type) ?? []) {
      for (const name of ['apiVersion', 'kind']) {
        const bd = docOf(base.getProperty(name));
        if (bd && schema.properties?.[name] && !schema.properties[name].description) {
          schema.properties[name] = { description: bd, ...schema.properties[name] };
        }
      }
    }
    const jsFile = file.replace(/\.d\.ts$/, '.js');
    const m = /_schemas\/([A-Za-z0-9_]+)\.js/.exec(readFileSync(jsFile, 'utf8'));
    if (!m) throw new Error(`no compiled validator referenced from ${jsFile}`);
    kinds.push({
      group: apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      kind: kdType.value,
      schema,
      validatorFile: join(dir, '_schemas', `${m[1]}.js`),
    });
  }
}
kinds.sort((a, b) => (a.group + '/' + a.kind + '/' + a.version).localeCompare(b.group + '/' + b.kind + '/' + b.version));
return kinds;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Constraints from the compiled validators, by probing.
// ---------------------------------------------------------------------------------------------------------
const PROBE_TAG = '\u0000';
const LONG = 'a'.repeat(1 << 14);
const BIG_ARRAY = 1025;

/** Builds a minimal valid-shaped object holding `value` at `path` (strings = keys, numbers = array items). */
function place(kind, path, value) {
  const root = { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind };
  if (path.length === 0) return value;
  let cur = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const nextSeg = path[i + 1];
    const child = last ? value : typeof nextSeg === 'number' ? [] : {};
    if (typeof seg === 'number') cur.push(child);
    else cur[seg] = child;
    cur = child;
  }
  return root;
}

function pointer(path) {
  return path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function probe(validate, kind, path, value) {
  const obj = place(kind, path, value);
  validate(obj);
  const at = pointer(path);
  return (validate.errors ?? []).filter((e) => e.instancePath === at);
}

function collect(node, path, out) {
  out.push({ node, path });
  if (node.properties) for (const [k, child] of Object.entries(node.properties)) collect(child, [...path, k], out);
  if (node.items) collect(node.items, [...path, 0], out);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    collect(node.additionalProperties, [...path, 'key'], out);
  }
}

function applyErrors(node, errors) {
  for (const e of errors) {
    const p = e.params ?? {};
    switch (e.keyword) {
      case 'pattern': node.pattern = p.pattern; break;
      case 'enum': node.enum = [...p.allowedValues]; break;
      case 'minLength': node.minLength = p.limit; break;
      case 'maxLength': node.maxLength = p.limit; break;
      case 'minItems': node.minItems = p.limit; break;
      case 'maxItems': node.maxItems = p.limit; break;
      case 'minimum': node.minimum = p.limit; break;
      case 'maximum': node.maximum = p.limit; break;
      case 'format': node.format = p.format; break;
      default: break;
    }
  }
}

let probes = 0;
async function probeConstraints(kinds) {
for (const kind of kinds) {
  const mod = await import(pathToFileURL(kind.validatorFile).href);
  const validate = mod.validate;
  const entries = [];
  collect(kind.schema, [], entries);
  for (const { node, path } of entries) {
    if (path.length === 0) continue;
    const run = (value) => { probes++; return probe(validate, kind, path, value); };
    if (node.type === 'string') {
      for (const v of ['', PROBE_TAG, '\n', ' ', LONG]) applyErrors(node, run(v));
    } else if (node.type === 'number') {
      const typeErr = run('x').find((e) => e.keyword === 'type');
      if (typeErr && typeErr.params?.type === 'integer') node.type = 'integer';
      const frac = run(0.5);
      if (frac.some((e) => e.keyword === 'type' && e.params?.type === 'integer')) node.type = 'integer';
      for (const v of [0.5, -1e308, 1e308]) applyErrors(node, run(v));
      if (node.format === 'int64' || node.format === 'int32') node.type = 'integer';
    } else if (node.type === 'array') {
      applyErrors(node, run([]));
      const it = node.items ?? {};
      const sample = it.type === 'string' ? 'a' : it.type === 'number' ? 0 : it.type === 'boolean' ? false : it.type === 'array' ? [] : {};
      applyErrors(node, run(new Array(BIG_ARRAY).fill(sample)));
    } else if (node['x-kubernetes-int-or-string']) {
      for (const v of ['', PROBE_TAG, LONG, 0.5, -1e308, 1e308]) applyErrors(node, run(v));
    }
  }
}
}

// ---------------------------------------------------------------------------------------------------------
// 3. Optional supplement (see the header): fill in what the main package lacks, never override it.
// ---------------------------------------------------------------------------------------------------------
const FILL_KEYS = ['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'];

function kubeVersionRank(v) {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return 0;
  return (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0) * 1e6 + Number(m[1]) * 1e3 + Number(m[3] ?? 0);
}

function fill(main, sup, path, out, stats) {
  if (!main || !sup) return;
  const sameType = main.type === sup.type && !!main['x-kubernetes-int-or-string'] === !!sup['x-kubernetes-int-or-string'];
  if (!sameType) return;
  if (main.description === undefined && sup.description !== undefined) {
    main.description = sup.description;
    stats.descriptions++;
  }
  const added = [];
  for (const k of FILL_KEYS) {
    if (main[k] === undefined && sup[k] !== undefined) {
      main[k] = sup[k];
      added.push(k);
    }
  }
  if (added.length > 0) {
    out.push({ path, keys: added });
    stats.constraints += added.length;
  }
  for (const [k, child] of Object.entries(main.properties ?? {})) fill(child, sup.properties?.[k], [...path, k], out, stats);
  if (main.items) fill(main.items, sup.items, [...path, 0], out, stats);
  if (typeof main.additionalProperties === 'object' && typeof sup.additionalProperties === 'object') {
    fill(main.additionalProperties, sup.additionalProperties, [...path, '*'], out, stats);
  }
}

function supplement(kinds, supKinds) {
  const stats = { descriptions: 0, constraints: 0 };
  const supplemented = [];
  for (const k of kinds) {
    const candidates = supKinds
      .filter((s) => s.group === k.group && s.kind === k.kind)
      .sort((a, b) => (a.version === k.version ? -1 : b.version === k.version ? 1 : kubeVersionRank(b.version) - kubeVersionRank(a.version)));
    const from = candidates[0];
    if (!from) continue;
    const changes = [];
    fill(k.schema, from.schema, [], changes, stats);
    for (const c of changes) supplemented.push({ group: k.group, version: k.version, kind: k.kind, from: from.version, ...c });
  }
  return { supplemented, stats };
}

const kinds = extractKinds(pkgDir);
await probeConstraints(kinds);
let supplementInfo;
const supDir = supplementDir();
if (supDir) {
  const supKinds = extractKinds(supDir);
  await probeConstraints(supKinds);
  const { supplemented, stats } = supplement(kinds, supKinds);
  supplementInfo = { source: `${JSON.parse(readFileSync(join(supDir, 'package.json'), 'utf8')).name}@${readVersion(supDir)}`, supplemented, stats };
}

// ---------------------------------------------------------------------------------------------------------
// 4. Write.
// ---------------------------------------------------------------------------------------------------------
const out = {
  source: `${PKG_NAME}@${pkgVersion}`,
  ...(supplementInfo ? { supplement: supplementInfo.source, supplemented: supplementInfo.supplemented } : {}),
  kinds: kinds.map(({ group, version, kind, schema }) => ({ group, version, kind, schema })),
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(out) + '\n');
const names = new Set(kinds.map((k) => k.kind));
console.log(
  `gen-schemas: ${names.size} kinds, ${kinds.length} kind/versions from ${out.source} ` +
    `(${probes} probes)` +
    (supplementInfo
      ? `, supplemented from ${supplementInfo.source} (${supplementInfo.stats.descriptions} descriptions, ${supplementInfo.stats.constraints} constraints)`
      : ', no supplement installed (no Go-duration patterns)') +
    ` -> ${outFile.slice(projectRoot.length + 1)} in ${Math.round(performance.now() - started)} ms`,
);
