/**
 * flux/git-url-scp (error): a GitRepository `spec.url` in git's scp-like form (`git@github.com:org/repo`).
 * source-controller only takes `http://`, `https://` and `ssh://` URLs (the CRD's pattern), and users copy the
 * scp-like form from their git host's "clone" button. The diagnostic names the equivalent `ssh://` URL, which
 * `data.suggestion` carries as the replacement of the range (the url value).
 */
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, isRecord, valueAt, type RuleContext } from './context';

/** `user@host:path` or `host:path` without a scheme (git's scp-like syntax); the path must not start with `//`. */
const SCP_LIKE = /^(?:([A-Za-z0-9._~-]+)@)?([A-Za-z0-9.-]+\.[A-Za-z0-9-]+|[A-Za-z0-9-]{2,}):(?!\/\/)([^\\].*)$/;

/** The `ssh://` form of an scp-like git URL, or undefined when the URL is not scp-like. */
export function scpToSshUrl(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  const m = SCP_LIKE.exec(url);
  if (!m) return undefined;
  const [, user, host, rest] = m;
  const path = rest!.replace(/^\/+/, '');
  return `ssh://${user ? `${user}@` : ''}${host}/${path}`;
}

export function gitUrl(ctx: RuleContext): FluxDiagnostic[] {
  if (ctx.doc.kindInfo?.kind !== 'GitRepository') return [];
  const url = valueAt(ctx.value(), ['spec', 'url']);
  if (typeof url !== 'string' || isOpaqueString(url) || !isRecord(valueAt(ctx.value(), ['spec']))) return [];
  const ssh = scpToSshUrl(url);
  if (ssh === undefined) return [];
  return [ctx.diag('flux/git-url-scp', 'error', ctx.rangeOf(['spec', 'url'], 'value'),
    `spec.url '${url}' is in git's scp-like form, which source-controller rejects; write it as '${ssh}' `
    + '(the secretRef then needs identity and known_hosts for SSH)', { suggestion: ssh })];
}
