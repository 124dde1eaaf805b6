/**
 * How message text becomes search terms, the same for indexing and for queries:
 * - folded: Unicode NFKD, combining marks removed, lower case ("Crème Brûlée" → "creme brulee", "Straße" → "strasse");
 * - split into runs of letters and digits (any script), so space-separated scripts (Latin, Cyrillic, Greek, Arabic,
 *   Hebrew, Hangul…) give words; apostrophes and hyphens split ("aujourd’hui" → "aujourd", "hui");
 * - Chinese and Japanese (Han, Hiragana, Katakana) have no spaces: a run of them gives its overlapping character
 *   bigrams ("图书馆" → "图书", "书馆"), a single character stays a term. A query is split the same way, so any substring
 *   of two or more characters matches; no fuzzy or prefix matching on those terms. Thai, Lao, Khmer and Burmese runs
 *   (no spaces either) stay whole runs: only the exact run or its prefix matches.
 */

const WORD = /[\p{L}\p{N}]+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_RUNS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+/gu;
const MARKS = /\p{M}/gu;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Folds case and diacritics (ß → ss, ﬁ → fi, é → e). */
export function fold(text: string): string {
  // Plain ASCII (most chat text) needs no normalisation.
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(/ß/g, 'ss');
}

export function isCjk(term: string): boolean {
  return CJK.test(term);
}

function bigrams(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) out.push(run);
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

/** The terms of a text (already folded or not), in order, duplicates kept. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const [word] of fold(text).matchAll(WORD)) {
    if (!CJK.test(word)) {
      out.push(word);
      continue;
    }
    for (const [run] of word.matchAll(CJK_RUNS)) {
      if (CJK.test(run)) bigrams(run, out);
      else out.push(run);
    }
  }
  return out;
}

/** Where each word of the original text sits, and its folded form (for highlighting what matched). */
export function wordSpans(text: string): { start: number; end: number; folded: string }[] {
  const spans: { start: number; end: number; folded: string }[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) spans.push({ start: m.index, end: m.index + m[0].length, folded: fold(m[0]) });
  return spans;
}
