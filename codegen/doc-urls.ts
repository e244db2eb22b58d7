// Every docUrl must be the endpoint's own page, not a category page: flags folder URLs, index pages,
// section roots and URLs shared by several specs. While DOC_URL_ALLOWLIST (the specs known to need a
// better link) is not empty, findings are warnings; once it is empty, every finding is an error.
import type { EndpointIR } from './ir.js';
import { DOC_URL_ALLOWLIST } from './doc-url-allowlist.js';

export interface DocUrlFinding {
  file: string;
  url: string;
  reason: string;
}

export function docUrlFindings(endpoints: readonly EndpointIR[]): DocUrlFinding[] {
  const byUrl = new Map<string, string[]>();
  for (const ep of endpoints) byUrl.set(ep.docUrl, [...(byUrl.get(ep.docUrl) ?? []), ep.file]);
  const out: DocUrlFinding[] = [];
  for (const ep of endpoints) {
    let url: URL | undefined;
    try {
      url = new URL(ep.docUrl);
    } catch {
      out.push({ file: ep.file, url: ep.docUrl, reason: 'not a URL' });
      continue;
    }
    const segments = url.pathname.split('/').filter(Boolean);
    const last = segments[segments.length - 1] ?? '';
    const reasons: string[] = [];
    if (url.pathname.endsWith('/')) reasons.push('a folder URL (ends with /)');
    if (/^(index|readme)(\.html?|\.md)?$/i.test(last)) reasons.push('an index page');
    if (segments.length <= 2) reasons.push('a section root, not a page');
    const sharing = byUrl.get(ep.docUrl) ?? [];
    if (sharing.length > 1) reasons.push(`shared by ${sharing.length} specs`);
    if (reasons.length > 0) out.push({ file: ep.file, url: ep.docUrl, reason: reasons.join('; ') });
  }
  return out;
}

/** Warnings while the allow-list has entries; errors once it is empty (or for an invalid URL). */
export function checkDocUrls(endpoints: readonly EndpointIR[], allowList: readonly string[] = DOC_URL_ALLOWLIST): { errors: string[]; warnings: string[]; stale: string[] } {
  const allowed = new Set(allowList);
  const errors: string[] = [];
  const warnings: string[] = [];
  const findings = docUrlFindings(endpoints);
  for (const f of findings) {
    const line = `${f.file}: /docUrl: ${f.url} is ${f.reason}: link the endpoint's own page`;
    if (allowList.length === 0 || f.reason === 'not a URL') errors.push(line);
    else warnings.push(allowed.has(f.file) ? line : `${line} (new: not in codegen/doc-url-allowlist.ts)`);
  }
  // entries whose spec now links its own page (or is gone): to delete from the allow-list
  const flagged = new Set(findings.map((f) => f.file));
  const stale = allowList.filter((f) => !flagged.has(f));
  return { errors, warnings, stale };
}
