/** A snippet of a message around what matched, with the ranges to highlight (built as elements by the UI). */
import { isCjk, wordSpans } from './text.js';

export interface Snippet {
  text: string;
  /** [start, end) offsets into `text`, in order, not overlapping. */
  ranges: [number, number][];
}

const WIDTH = 160;

/**
 * The ranges of the original text that hold the matched index terms (folded forms): a word whose folded form starts
 * with a matched term is highlighted up to the term's length (the whole word for a fuzzy match); a CJK bigram is
 * highlighted where it occurs.
 */
export function matchRanges(text: string, matched: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  const latin = matched.filter((t) => !isCjk(t));
  const cjk = matched.filter(isCjk);
  for (const span of wordSpans(text)) {
    const sameLength = span.folded.length === span.end - span.start;
    if (cjk.length > 0 && isCjk(span.folded)) {
      for (const term of cjk) {
        for (let i = span.folded.indexOf(term); i >= 0; i = span.folded.indexOf(term, i + 1)) {
          ranges.push(sameLength ? [span.start + i, span.start + i + term.length] : [span.start, span.end]);
        }
      }
      continue;
    }
    const term = latin.find((t) => span.folded.startsWith(t) || span.folded === t);
    if (term !== undefined) ranges.push(sameLength ? [span.start, span.start + term.length] : [span.start, span.end]);
  }
  return merge(ranges);
}

function merge(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Up to ~160 characters of the text around the first match ("…" where cut), with the matches in it. */
export function makeSnippet(text: string, matched: readonly string[]): Snippet {
  const all = matchRanges(text, matched);
  if (text.length <= WIDTH) return { text, ranges: all };
  const first = all[0]?.[0] ?? 0;
  let start = Math.max(0, first - 40);
  // Start at a word boundary when one is near.
  const space = text.lastIndexOf(' ', start);
  if (start > 0 && space >= 0 && start - space < 15) start = space + 1;
  const end = Math.min(text.length, start + WIDTH);
  const prefix = start > 0 ? '…' : '';
  const shift = prefix.length - start;
  const ranges = all
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): [number, number] => [s + shift, e + shift]);
  return { text: prefix + text.slice(start, end) + (end < text.length ? '…' : ''), ranges };
}
