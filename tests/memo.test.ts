/** The bounded memory of a pure function's results by text (`engine/memo.ts`). */
import { describe, expect, it } from 'vitest';
import { TextMemo } from '../engine/memo.js';

describe('TextMemo', () => {
  it('computes a text once, and forgets everything when full, never holding more than its limit', () => {
    const memo = new TextMemo<number>(2, 10);
    let made = 0;
    const length = (text: string) => memo.get(text, () => (made++, text.length));
    expect([length('ab'), length('ab'), length('abc')]).toEqual([2, 2, 3]);
    expect(made).toBe(2);
    length('abcd'); // full: forgets 'ab' and 'abc'
    length('ab');
    expect(made).toBe(4);
    length('abcd');
    expect(made).toBe(4);
  });

  it('keeps no key longer than its bound: such a text is computed every time, and fills nothing', () => {
    const memo = new TextMemo<number>(2, 3);
    let made = 0;
    const length = (text: string) => memo.get(text, () => (made++, text.length));
    length('abc');
    expect([length('abcd'), length('abcd'), length('abc')]).toEqual([4, 4, 3]);
    expect(made).toBe(3);
  });
});
