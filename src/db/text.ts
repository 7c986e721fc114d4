const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What in a text PostgreSQL cannot keep, or null: it refuses a NUL character in `text` (and
 * in a jsonb string), and an unpaired UTF-16 surrogate has no UTF-8 form (the driver would
 * store U+FFFD in its place). Every way in (GraphQL, Open311, ledger import) refuses such
 * text before SQL, as the client's mistake, naming where it was.
 */
export function unstorableCharacter(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'an unpaired UTF-16 surrogate (not Unicode text)';
  return null;
}
