import type { HistoryExport } from '../../sdk/index.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made inert for HTML: every character with a meaning in markup is an entity. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/**
 * The export as a readable, self-contained HTML page (a file the user keeps; never put into this page's DOM). Every
 * piece of user text is escaped; the page has no script and forbids any with its own CSP.
 */
export function historyToHtml(history: HistoryExport): string {
  const parts: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>Parley history of ${escapeHtml(history.username)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}',
    'section{border-top:1px solid #ccc;margin-top:2rem}.meta{color:#666;font-size:.85rem}.deleted{color:#888;font-style:italic}',
    'p{white-space:pre-wrap;margin:.1rem 0 .8rem}</style></head><body>',
    `<h1>Parley history of ${escapeHtml(history.username)}</h1>`,
    `<p class="meta">Exported ${escapeHtml(history.exportedAt)} from this device. ${history.conversations.length} conversations.</p>`,
  ];
  for (const c of history.conversations) {
    const title = c.kind === 'group' ? (c.name ?? 'Group') : c.members.filter((m) => m !== history.username).join(', ') || 'Direct';
    parts.push(`<section><h2>${escapeHtml(title)}</h2><p class="meta">Members: ${escapeHtml(c.members.join(', '))}</p>`);
    for (const m of c.messages) {
      parts.push(`<div class="meta">${escapeHtml(m.sender)} · ${escapeHtml(m.sentAt)}${m.editedAt ? ' · edited' : ''}</div>`);
      if (m.deleted) parts.push('<p class="deleted">Deleted message</p>');
      else if (m.unreadable) parts.push(`<p class="deleted">${escapeHtml(m.unreadable)}</p>`);
      else parts.push(`<p>${escapeHtml(m.text)}</p>`);
    }
    parts.push('</section>');
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
