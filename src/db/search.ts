import { ilike, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/** A case-insensitive "contains" filter on a text column; the text's own % and _ match literally. */
export function contains(column: PgColumn, text: string | undefined | null): SQL | undefined {
  return text ? ilike(column, `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined;
}
