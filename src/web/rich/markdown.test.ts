import type { ComponentChildren, VNode } from 'preact';
import { describe, expect, it } from 'vitest';
import { markdownToPlain, renderMarkdown } from './markdown.js';

interface El {
  tag: string;
  props: Record<string, unknown>;
  text: string;
}

/** Every element the render makes (in document order), and the text it holds. */
function elements(children: ComponentChildren): { els: El[]; text: string } {
  const els: El[] = [];
  const walk = (c: ComponentChildren): string => {
    if (c === null || c === undefined || typeof c === 'boolean') return '';
    if (typeof c === 'string' || typeof c === 'number') return String(c);
    if (Array.isArray(c)) return c.map(walk).join('');
    const v = c as VNode<Record<string, unknown>>;
    const el: El = { tag: String(v.type), props: v.props, text: '' };
    els.push(el);
    el.text = walk(v.props.children);
    return el.text;
  };
  const text = walk(children);
  return { els, text };
}

describe('markdown rendering', () => {
  it('formats the subset: bold, italic, strike, code, code blocks, quotes, lists', () => {
    const { els } = elements(renderMarkdown('**b** _i_ ~~s~~ `c`\n\n```\nx < y\n```\n\n> q\n\n1. one\n2. two\n\n- a'));
    const tags = els.map((e) => e.tag);
    for (const tag of ['strong', 'em', 's', 'code', 'pre', 'blockquote', 'ol', 'ul', 'li']) expect(tags).toContain(tag);
    expect(els.find((e) => e.tag === 'pre')?.text).toBe('x < y');
  });

  it('keeps HTML as text and makes no element of it', () => {
    const source = '<script>alert(1)</script> <img src=x onerror=alert(1)> <b>x</b> &lt;';
    const { els, text } = elements(renderMarkdown(source));
    expect(els.map((e) => e.tag)).toEqual(['p']);
    expect(text).toBe(source);
  });

  it('links only http, https and mailto, in a new tab without opener or referrer', () => {
    const { els } = elements(renderMarkdown('[a](javascript:alert(1)) [b](data:text/html,x) [c](vbscript:x) https://ex.com/p?q=1 [d](https://ok.example) x@example.com'));
    const links = els.filter((e) => e.tag === 'a');
    expect(links.map((l) => l.props.href)).toEqual(['https://ex.com/p?q=1', 'https://ok.example', 'mailto:x@example.com']);
    for (const l of links) expect(l.props).toMatchObject({ target: '_blank', rel: 'noopener noreferrer' });
  });

  it('keeps the text exactly as written (newlines, no entities decoded) and highlights mentions of members only', () => {
    const { els, text } = elements(renderMarkdown('hi @bob and @eve\nline two &amp;', { mentions: ['bob'], me: 'bob' }));
    expect(text).toBe('hi @bob and @eve\nline two &amp;');
    expect(els.filter((e) => e.tag === 'span').map((e) => [e.props.class, e.text])).toEqual([['mention is-me', '@bob']]);
  });

  it('gives the plain words of a text for quotes', () => {
    expect(markdownToPlain('**Paris** at _night_\n> quoted `code`')).toBe('Paris at night quoted code');
  });
});
