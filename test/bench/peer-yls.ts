/**
 * The peer: yaml-language-server (npm), in-process through its language service, validating the same files
 * with the project's generated Flux schemas as one JSON Schema of if/then branches (apiVersion + kind select
 * the branch, as editors configure it for CRDs).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';

interface KindSchema { group: string; version: string; kind: string; schema: unknown }

/** The generated schemas as one JSON Schema: an if/then branch per (apiVersion, kind). */
export function fluxJsonSchema(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const generated = require('../../server/generated/flux-schemas.json') as { kinds: KindSchema[] };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    allOf: generated.kinds.map((k) => ({
      if: { properties: { apiVersion: { const: `${k.group}/${k.version}` }, kind: { const: k.kind } }, required: ['apiVersion', 'kind'] },
      then: k.schema,
    })),
  };
}

export interface Peer {
  /** Validates one file; resolves to its diagnostics count. */
  validate(uri: string, text: string): Promise<number>;
}

/** A configured yaml-language-server language service. */
export async function yamlLanguageServer(): Promise<Peer> {
  const yls = await import('yaml-language-server') as typeof import('yaml-language-server');
  const schema = fluxJsonSchema();
  const service = yls.getLanguageService({
    schemaRequestService: async () => JSON.stringify(schema),
    workspaceContext: { resolveRelativePath: (rel: string) => rel },
  } as unknown as Parameters<typeof yls.getLanguageService>[0]);
  service.configure({ validate: true, hover: false, completion: false, isKubernetes: false, schemas: [{ uri: 'flux-workbench://flux.json', fileMatch: ['*.yaml', '*.yml'], schema }] } as never);
  // yaml-language-server caches parses by (uri, version): every call gets a new version, so each run parses, as
  // a cold validation does.
  let version = 0;
  return {
    async validate(uri, text) {
      const diags = await service.doValidation(TextDocument.create(uri, 'yaml', ++version, text), false);
      return diags.length;
    },
  };
}
