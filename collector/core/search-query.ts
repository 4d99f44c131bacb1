// Turns what a person types in the search box into an FTS5 query that can
// never be a syntax error: every word becomes a quoted prefix term, and all
// terms must match (AND). Operators and punctuation are treated as separators,
// the same way the unicode61 tokenizer treats them in the indexed text.

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MAX_TERMS = 16;

/** The words of a search box entry (at most 16); empty when it holds none. */
export function searchTerms(text: string): string[] {
  return text.match(WORD)?.slice(0, MAX_TERMS) ?? [];
}

/** The FTS5 MATCH expression for search terms: every term a quoted prefix, all required. */
export function ftsMatchExpression(terms: readonly string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"*`).join(' ');
}

/** The FTS5 MATCH expression for `text`, or null when it holds no searchable word. */
export function toFtsQuery(text: string): string | null {
  const terms = searchTerms(text);
  return terms.length === 0 ? null : ftsMatchExpression(terms);
}
