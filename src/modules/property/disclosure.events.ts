import type { Context } from '../../context';
import { EventStream, eventIdOfCursor, eventOfRow } from '../../events/stream';
import { argumentKey } from '../../graphql/errors';
import type { DisclosureEventFilter } from './disclosure.inputs';
import { disclosureFromSnapshot } from './disclosure.loaders';
import { DISCLOSURE_TOPIC } from './disclosure.service';
import { DisclosureEventKind } from './disclosure.types';
import { compoundEventScope } from './property.scope';

function keyOfFilter(id: string | undefined | null, type: string, field: string): number | null {
  return id === undefined || id === null ? null : argumentKey(id, type, `filter.${field}`);
}

/**
 * The events of `disclosurePublished`: the outbox rows of topic `disclosure`, replayed after
 * `after` and then live, that the viewer may read (the compound's residents, committee and
 * company, the staff above it, city-wide integrators) and that the filter selects.
 */
export async function openDisclosureEvents(ctx: Context, filter: DisclosureEventFilter | undefined | null, after: string | undefined | null) {
  const afterId = after ? eventIdOfCursor(after) : null;
  const compoundKey = keyOfFilter(filter?.compoundId, 'Compound', 'compoundId');
  const communityKey = keyOfFilter(filter?.communityId, 'Community', 'communityId');
  const streetKey = keyOfFilter(filter?.streetId, 'Street', 'streetId');
  const readable = await compoundEventScope(ctx.db, ctx.viewer);
  return EventStream.open(ctx.db, ctx.events, {
    topic: DISCLOSURE_TOPIC,
    after: afterId,
    match: (row) => readable(row.scope)
      && (compoundKey === null || row.scope.compoundId === compoundKey)
      && (communityKey === null || row.scope.communityId === communityKey)
      && (streetKey === null || row.scope.streetId === streetKey),
  });
}

/** An outbox row as the `DisclosureEvent` a subscriber receives. */
export const disclosureEventOf = eventOfRow((row) => {
  const payload = row.payload as { disclosure: Record<string, unknown>; actor: { subject: string; role: string } };
  const disclosure = disclosureFromSnapshot(payload.disclosure);
  return {
    kind: disclosure.version === 1 ? DisclosureEventKind.PUBLISHED : DisclosureEventKind.CORRECTED,
    disclosure,
    compoundId: disclosure.compoundId,
    actorSubject: payload.actor.subject,
    actorRole: payload.actor.role,
  };
});
