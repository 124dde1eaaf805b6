/**
 * A small Markdown subset (bold, italic, strike, inline code, code blocks, quotes, lists, links) parsed by markdown-it
 * with HTML off, its tokens turned into Preact elements here: nothing is ever set as HTML, every piece of text goes
 * into the DOM as text. Links are made clickable (linkify) only for http, https and mailto, and open in a new tab
 * with rel="noopener noreferrer".
 */
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { ComponentChildren, VNode } from 'preact';
import { h } from 'preact';

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: false, typographer: false });
md.enable(['linkify', 'text_join']);
md.enable(['paragraph', 'fence', 'code', 'blockquote', 'list']);
md.enable(['text', 'newline', 'escape', 'backticks', 'emphasis', 'strikethrough', 'link', 'autolink', 'linkify']);
md.linkify.set({ fuzzyEmail: true, fuzzyIP: false });

const SAFE_LINK = /^(https?:|mailto:)/i;
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

/** The elements a token may become; anything else shows its children only. */
const TAGS = new Set(['p', 'strong', 'em', 's', 'blockquote', 'ul', 'ol', 'li', 'a']);

interface Frame {
  tag: string;
  token: Token | undefined;
  children: ComponentChildren[];
}

export interface RenderOptions {
  /** User names to highlight where the text says @name (mentions), and this user's own (highlighted more). */
  mentions?: readonly string[];
  me?: string;
}

function textWithMentions(text: string, options: RenderOptions, key: number): ComponentChildren {
  const names = options.mentions ?? [];
  if (names.length === 0 || !text.includes('@')) return text;
  const parts: ComponentChildren[] = [];
  const pattern = /@([A-Za-z0-9_.-]{3,32})/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const name = (m[1] ?? '').replace(/[.-]+$/, '');
    const who = names.find((n) => n.toLowerCase() === name.toLowerCase());
    if (!who) continue;
    const at = m.index;
    parts.push(text.slice(last, at));
    const mine = options.me !== undefined && who.toLowerCase() === options.me.toLowerCase();
    parts.push(h('span', { class: mine ? 'mention is-me' : 'mention', key: `${key}-${at}` }, `@${name}`));
    last = at + 1 + name.length;
  }
  parts.push(text.slice(last));
  return parts;
}

function element(frame: Frame, key: number): VNode | ComponentChildren {
  const { tag, token, children } = frame;
  if (!TAGS.has(tag)) return children;
  if (tag === 'a') {
    const href = token?.attrGet('href') ?? '';
    if (!SAFE_LINK.test(href)) return children;
    return h('a', { key, href, target: '_blank', rel: 'noopener noreferrer' }, children);
  }
  if (tag === 'ol') {
    const start = Number(token?.attrGet('start') ?? '1');
    return h('ol', { key, ...(Number.isInteger(start) && start !== 1 ? { start } : {}) }, children);
  }
  return h(tag, { key }, children);
}

function renderTokens(tokens: readonly Token[], options: RenderOptions): ComponentChildren[] {
  const root: Frame = { tag: '', token: undefined, children: [] };
  const stack: Frame[] = [root];
  let key = 0;
  const top = () => stack[stack.length - 1] ?? root;
  for (const token of tokens) {
    key++;
    if (token.nesting === 1) {
      stack.push({ tag: token.tag, token, children: [] });
      continue;
    }
    if (token.nesting === -1) {
      const frame = stack.length > 1 ? stack.pop() : undefined;
      if (frame) top().children.push(element(frame, key));
      continue;
    }
    switch (token.type) {
      case 'inline':
        top().children.push(...renderTokens(token.children ?? [], options));
        break;
      case 'text':
        top().children.push(textWithMentions(token.content, options, key));
        break;
      case 'code_inline':
        top().children.push(h('code', { key }, token.content));
        break;
      case 'fence':
      case 'code_block':
        top().children.push(h('pre', { key }, h('code', null, token.content.replace(/\n$/, ''))));
        break;
      case 'softbreak':
      case 'hardbreak':
        // A newline as text (paragraphs keep white space): the text reads and copies exactly as it was written.
        top().children.push('\n');
        break;
      default:
        if (token.content) top().children.push(token.content);
    }
  }
  // Unclosed frames (never from markdown-it, but cheap to be safe): their children still show.
  while (stack.length > 1) {
    const frame = stack.pop();
    if (frame) top().children.push(element(frame, ++key));
  }
  return root.children;
}

/** Markdown text → Preact children (never HTML). */
export function renderMarkdown(text: string, options: RenderOptions = {}): ComponentChildren[] {
  return renderTokens(md.parse(text, {}), options);
}

/** Markdown text → its plain words (markers dropped), for one-line quotes and previews. */
export function markdownToPlain(text: string): string {
  const out: string[] = [];
  const walk = (tokens: readonly Token[]) => {
    for (const t of tokens) {
      if (t.type === 'inline') walk(t.children ?? []);
      else if (t.type === 'text' || t.type === 'code_inline' || t.type === 'fence' || t.type === 'code_block') out.push(t.content);
      else if (t.type === 'softbreak' || t.type === 'hardbreak' || t.type === 'paragraph_close') out.push(' ');
    }
  };
  walk(md.parse(text, {}));
  return out.join('').replace(/\s+/g, ' ').trim();
}
