import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/sdk/e2ee/store.js';
import type { Message } from '../../src/sdk/message-stream.js';
import { LocalSearch } from '../../src/sdk/search/index.js';
import { SearchIndex, toDoc, topK } from '../../src/sdk/search/search-index.js';
import { makeSnippet } from '../../src/sdk/search/snippet.js';
import { terms } from '../../src/sdk/search/text.js';

let seq = 0;
const message = (text: string, over: Partial<Message> = {}): Message => {
  seq++;
  return {
    id: `m${seq}`,
    seq,
    conversationId: 'c1',
    sender: 'alice',
    text,
    sentAt: new Date(Date.UTC(2026, 0, 1) + seq * 60_000).toISOString(),
    editedAt: null,
    deleted: false,
    contentType: 'text/plain',
    encrypted: true,
    decryptionError: null,
    attachments: [],
    replyTo: null,
    quote: null,
    mentions: [],
    reactions: [],
    ...over,
  };
};

const indexOf = (...messages: Message[]) => {
  const index = new SearchIndex();
  for (const m of messages) index.put(toDoc(m));
  return index;
};
const ids = (index: SearchIndex, query: string, options = {}) => index.search(query, options).map((h) => h.message.id);

describe('search terms', () => {
  it('folds case and diacritics, splits words, gives CJK bigrams', () => {
    expect(terms('Crème Brûlée à la Straße!')).toEqual(['creme', 'brulee', 'a', 'la', 'strasse']);
    expect(terms('Встреча завтра')).toEqual(['встреча', 'завтра']);
    expect(terms('去图书馆 ok')).toEqual(['去图', '图书', '书馆', 'ok']);
    expect(terms('aujourd’hui')).toEqual(['aujourd', 'hui']);
  });
});

describe('SearchIndex', () => {
  const cafe = message('On se retrouve au café de la gare demain ?');
  const meeting = message('The quarterly meeting moved to Thursday');
  const library = message('Je suis à la bibliothèque jusqu’à 18h', { conversationId: 'c2', sender: 'bob' });
  const chinese = message('我们明天去图书馆吧');
  const index = indexOf(cafe, meeting, library, chinese);

  it('finds a word without its accents, and a folded query finds the accented word', () => {
    expect(ids(index, 'cafe')).toEqual([cafe.id]);
    expect(ids(index, 'bibliotheque')).toEqual([library.id]);
    expect(ids(index, 'CAFÉ')).toEqual([cafe.id]);
  });

  it('finds a word with a typo', () => {
    expect(ids(index, 'meetng')).toEqual([meeting.id]);
    expect(ids(index, 'bibliotheqe')).toEqual([library.id]);
    expect(ids(index, 'zzzzzz')).toEqual([]);
  });

  it('finds by prefix, and all words of a query must match', () => {
    expect(ids(index, 'quarter')).toEqual([meeting.id]);
    expect(ids(index, 'meeting thursday')).toEqual([meeting.id]);
    expect(ids(index, 'meeting cafe')).toEqual([]);
  });

  it('finds a CJK substring by its bigrams', () => {
    expect(ids(index, '图书')).toEqual([chinese.id]);
    expect(ids(index, '图书馆')).toEqual([chinese.id]);
  });

  it('filters by conversation, sender, date and file', () => {
    expect(ids(index, 'la', { conversationId: 'c2' })).toEqual([library.id]);
    expect(ids(index, 'la', { sender: 'alice' })).toEqual([cafe.id]);
    expect(ids(index, 'la', { after: library.sentAt })).toEqual([]);
    expect(ids(index, 'la', { before: library.sentAt })).toEqual([cafe.id]);
    expect(ids(index, 'la', { hasFile: true })).toEqual([]);
  });

  it('re-indexes an edit: the old word no longer finds it, the new one does', () => {
    const i = indexOf(cafe, meeting);
    i.put(toDoc({ ...meeting, text: 'The quarterly review moved to Friday', editedAt: new Date().toISOString() }));
    expect(ids(i, 'meeting')).toEqual([]);
    expect(ids(i, 'review')).toEqual([meeting.id]);
    expect(i.size).toBe(2);
  });

  it('never finds a removed message', () => {
    const i = indexOf(cafe, meeting);
    i.remove(cafe.id);
    expect(ids(i, 'cafe')).toEqual([]);
    expect(ids(i, 'meeting')).toEqual([meeting.id]);
  });

  it('sorts by newest when asked', () => {
    const a = message('pizza tonight?');
    const b = message('pizza pizza pizza');
    const i = indexOf(a, b);
    expect(ids(i, 'pizza', { sort: 'newest' })).toEqual([b.id, a.id]);
  });

  it('returns a snippet with the matched ranges', () => {
    const [hit] = index.search('cafe');
    const { text, ranges } = hit!.snippet;
    expect(ranges.map(([s, e]) => text.slice(s, e))).toEqual(['café']);
    const long = makeSnippet(`${'lorem ipsum '.repeat(30)}the word réunion ${'dolor '.repeat(30)}`, ['reunion']);
    expect(long.text.startsWith('…')).toBe(true);
    expect(long.ranges.map(([s, e]) => long.text.slice(s, e))).toEqual(['réunion']);
  });
});

describe('LocalSearch', () => {
  const source = (messages: Message[]) => ({
    conversations: () => Promise.resolve([]),
    page: () => Promise.resolve({ messages, hasMore: false }),
  });

  it('persists sealed chunks, reloads them, and erases them', async () => {
    const store = new MemoryStore();
    const first = new LocalSearch(store, { backfill: false });
    first.open('alice', source([]));
    const m = message('Rendez-vous à l’hôpital jeudi');
    first.put(m);
    first.put(message('deleted soon'));
    await first.flush();
    await first.close();

    const second = new LocalSearch(store, { backfill: false });
    second.open('alice', source([]));
    expect((await second.search('hopital')).map((h) => h.message.id)).toEqual([m.id]);
    second.put({ ...m, deleted: true, text: '' });
    expect(await second.search('hopital')).toEqual([]);
    await second.erase();
    expect(await store.get('alice/search/manifest')).toBeUndefined();

    const third = new LocalSearch(store, { backfill: false });
    third.open('alice', source([]));
    expect(await third.size()).toBe(0);
  });
});

describe('ranking', () => {
  it('puts the closer spelling first: one typo before two', () => {
    const far = message('Did you hear the cathedral tour got cancelled?');
    const near = message('On se retrouve devant la cathédrale de Chartres samedi à 10 h, avec les autres amis du club');
    const i = indexOf(far, near);
    expect(ids(i, 'catedrale')).toEqual([near.id, far.id]);
  });
});

describe('matching passes', () => {
  it('looks for typos only when exact and prefix matching find nothing; prefix only on the last word', () => {
    const english = message('Did you hear the cathedral tour got cancelled?');
    const french = message('Rendez-vous devant la cathédrale');
    const i = indexOf(english, french);
    // Spelled as in one message: that one only (its neighbour one edit away is not looked for).
    expect(ids(i, 'cathedrale')).toEqual([french.id]);
    // Spelled as in neither: both, the closer first.
    expect(ids(i, 'catedrale')).toEqual([french.id, english.id]);
    // The last word may be unfinished; the words before it are whole words.
    expect(ids(i, 'tour cance')).toEqual([english.id]);
    expect(ids(i, 'to cancelled')).toEqual([]);
  });
});

describe('topK', () => {
  it('returns the first k in order, as a full stable sort would, for small and large inputs', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 3, 50, 199, 1000, 5000]) {
      const items = Array.from({ length: n }, (_, i) => ({ i, score: Math.floor(random() * 100) }));
      const order = (a: { score: number }, b: { score: number }) => b.score - a.score;
      expect(topK(items, 50, order)).toEqual([...items].sort(order).slice(0, 50));
    }
  });
});
