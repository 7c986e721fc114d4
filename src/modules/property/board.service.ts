import { and, desc, eq } from 'drizzle-orm';
import { ANONYMOUS } from '../../auth/viewer';
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import type { EventHub } from '../../events/hub';
import { latestEventId, prunedThrough } from '../../events/outbox';
import { createContext } from '../../context';
import { fromGlobalId } from '../../graphql/ids';
import { companyById, compoundById, currentContractOf } from './compound.loaders';
import { asDisclosure, type DisclosureNode } from './disclosure.loaders';
import { disclosureFilter } from './disclosure.service';
import { disclosures } from './property.tables';

/** A year of months: what a lobby notice keeps up. */
export const BOARD_MONTHS = 12;

/**
 * What a compound's notice board (公示栏) shows: the names that hang in the lobby anyway
 * (compound, property company) and, for the latest months, the version of each month's
 * disclosure in force — its totals, when it was published, whether it corrects an earlier
 * one and why, and its hash. Never the lines, the publisher or anything about a person.
 */
export interface Board {
  compoundKey: number;
  compoundName: string;
  companyName: string | null;
  /** Newest month first; for each month its latest version. */
  notices: DisclosureNode[];
  /** The outbox id read before the notices: events after it may change them. */
  eventPosition: number;
}

/** The compound a board path names (its global ID), or null for anything else. */
export function boardCompoundKey(id: string): number | null {
  return fromGlobalId(id, 'Compound')?.key ?? null;
}

/**
 * Reads a board without a viewer: a notice board is public like the paper on the lobby wall.
 * The event position is read first, so a publication that commits meanwhile is both shown
 * and replayed (a harmless second render), never missed.
 */
export async function readBoard(config: Config, database: Database, events: EventHub, compoundKey: number): Promise<Board | null> {
  // An outbox pruned empty still has a position: the ids before it are gone, not unused.
  const eventPosition = Math.max(await latestEventId(database.db), await prunedThrough(database.db));
  const ctx = createContext(config, database, events, ANONYMOUS);
  const compound = await compoundById(ctx).load(compoundKey);
  if (!compound) return null;
  const contract = await currentContractOf(ctx, compoundKey);
  const company = contract ? await companyById(ctx).load(contract.companyId) : null;
  const rows = await ctx.db.select().from(disclosures)
    .where(and(eq(disclosures.compoundId, compoundKey), disclosureFilter({ latestOnly: true })))
    .orderBy(desc(disclosures.month))
    .limit(BOARD_MONTHS);
  return { compoundKey, compoundName: compound.name, companyName: company?.name ?? null, notices: rows.map(asDisclosure), eventPosition };
}
