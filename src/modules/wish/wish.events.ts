import type { UnitType } from '../../auth/roles';
import type { Context } from '../../context';
import { withinMatcher } from '../../events/scope';
import { EventStream, eventIdOfCursor, eventOfRow } from '../../events/stream';
import { argumentKey } from '../../graphql/errors';
import type { WishEventFilter } from './wish.inputs';
import { transitionFromSnapshot, wishFromSnapshot } from './wish.loaders';
import { wishEventScope } from './wish.scope';
import { WISH_TOPIC } from './wish.service';

const WITHIN_TYPES: UnitType[] = ['District', 'Street', 'Community', 'Grid', 'Household'];

interface WishPayload {
  wish: { id: number };
  transition: { action: string };
}

/** The events of `wishEvents`: the viewer's scope and the filter, matched on every event. */
export async function openWishEvents(ctx: Context, filter: WishEventFilter | undefined | null, after: string | undefined | null) {
  const afterId = after ? eventIdOfCursor(after) : null;
  const readable = await wishEventScope(ctx.db, ctx.viewer);
  const within = await withinMatcher(ctx.db, filter?.within, WITHIN_TYPES);
  const wishKey = filter?.wishId ? argumentKey(filter.wishId, 'Wish', 'filter.wishId') : null;
  const actions = filter?.actions?.length ? new Set<string>(filter.actions) : null;
  return EventStream.open(ctx.db, ctx.events, {
    topic: WISH_TOPIC,
    after: afterId,
    match: (row) => {
      const payload = row.payload as unknown as WishPayload;
      return readable(row)
        && (within === null || within(row.scope))
        && (wishKey === null || payload.wish.id === wishKey)
        && (actions === null || actions.has(payload.transition.action));
    },
  });
}

/** An outbox row as the `WishEvent` a subscriber receives. */
export const wishEventOf = eventOfRow((row) => {
  const payload = row.payload as { wish: Record<string, unknown>; transition: Record<string, unknown> };
  return {
    wish: wishFromSnapshot(payload.wish),
    transition: transitionFromSnapshot(payload.transition),
  };
});
