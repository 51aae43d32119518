/**
 * flux/git-secret-keys (error): a GitRepository's `spec.secretRef` names a Secret in the workspace whose keys do
 * not fit the URL's scheme. An `ssh://` URL needs `identity` and `known_hosts` (source-controller fails with
 * "ssh: handshake failed" or a host-key error otherwise); an `https://` URL authenticates with `username` and
 * `password` (or `bearerToken`), so a Secret holding only an SSH identity leaves it unauthenticated. Only the key
 * names are read (a SOPS-encrypted Secret shows them too), never a value.
 */
import type { FluxDiagnostic } from '../../types';
import { targetNamespace } from './references';
import type { WorkspaceRuleContext } from './context';

export function gitSecretKeys(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const out: FluxDiagnostic[] = [];
  for (const doc of ctx.file.documents) {
    if (doc.kind !== 'GitRepository' || !doc.isFlux) continue;
    const spec = doc.value?.spec as Record<string, unknown> | undefined;
    const url = typeof spec?.url === 'string' ? spec.url : undefined;
    const ref = doc.refs.find((r) => r.path.join('.') === 'spec.secretRef');
    if (!url || !ref || url.includes('${')) continue;
    const ssh = url.startsWith('ssh://');
    const https = url.startsWith('https://') || url.startsWith('http://');
    if (!ssh && !https) continue;
    for (const inst of ctx.instancesOf(doc)) {
      const secrets = ctx.graph.resolve('Secret', ref.target.name, targetNamespace(ref, inst), inst.cluster);
      const keys = secrets.map((s) => s.implicit?.keys ?? ctx.model.facts(s.path)?.documents[s.doc]?.secret?.keys).find((k) => k !== undefined);
      if (!keys) continue;
      let problem: string | undefined;
      if (ssh) {
        const missing = ['identity', 'known_hosts'].filter((k) => !keys.includes(k));
        if (missing.length > 0) problem = `spec.url is an ssh:// URL, but Secret ${ref.target.name} has no ${missing.join(' and ')} key${missing.length > 1 ? 's' : ''} (it has: ${keys.join(', ') || 'none'}): add them (flux create secret git --url=ssh://... makes both)`;
      } else if (!keys.includes('bearerToken') && !(keys.includes('username') && keys.includes('password')) && (keys.includes('identity') || keys.includes('known_hosts'))) {
        problem = `spec.url is an ${url.slice(0, url.indexOf(':'))}:// URL, but Secret ${ref.target.name} holds SSH keys (${keys.join(', ')}), which an HTTPS clone does not use: use an ssh:// URL, or put username and password (or bearerToken) in the Secret`;
      }
      if (problem) out.push(ctx.diag(doc, 'flux/git-secret-keys', 'error', ref.nameRange, problem));
      break;
    }
  }
  return out;
}
