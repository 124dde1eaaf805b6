import { describe, expect, it } from 'vitest';
import { queryAt } from './mention-autocomplete.js';

describe('the @name being typed before the caret', () => {
  it('is found after an @ at the start or after a space or punctuation', () => {
    expect(queryAt('@bo', 3)).toEqual({ at: 0, prefix: 'bo' });
    expect(queryAt('hi @', 4)).toEqual({ at: 3, prefix: '' });
    expect(queryAt('hi (@car', 8)).toEqual({ at: 4, prefix: 'car' });
    expect(queryAt('hi @bob and', 7)).toEqual({ at: 3, prefix: 'bob' });
  });

  it('is not an e-mail address, a name already ended, or text after the caret', () => {
    expect(queryAt('mail alice@example', 18)).toBeUndefined();
    expect(queryAt('hi @bob ', 8)).toBeUndefined();
    expect(queryAt('hi @bob', 2)).toBeUndefined();
    expect(queryAt('no at sign', 10)).toBeUndefined();
  });
});
