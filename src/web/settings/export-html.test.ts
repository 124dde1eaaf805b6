import { describe, expect, it } from 'vitest';
import { escapeHtml, historyToHtml } from './export-html.js';

describe('history export as HTML', () => {
  it('escapes every piece of user text: a message, a group name or a user name cannot become markup', () => {
    const html = historyToHtml({
      format: 'parley-history/v1',
      exportedAt: '2026-12-06T20:00:00.000Z',
      username: 'alice',
      conversations: [
        {
          id: '00000000-0000-4000-8000-000000000001',
          kind: 'group',
          name: '<img src=x onerror=alert(1)>',
          members: ['alice', 'bob'],
          messages: [
            { seq: 1, sender: 'bob', sentAt: '2026-12-06T19:00:00.000Z', editedAt: null, text: '<script>alert("x")</script> & \'q\'', deleted: false },
            { seq: 2, sender: 'alice', sentAt: '2026-12-06T19:01:00.000Z', editedAt: null, text: '', deleted: true },
          ],
        },
      ],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
    expect(html).toContain('Deleted message');
    expect(html).toContain("default-src 'none'");
    expect(escapeHtml('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&#39;');
  });
});
