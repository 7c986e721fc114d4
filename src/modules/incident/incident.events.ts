import type { UnitType } from '../../auth/roles';
import type { Context } from '../../context';
import { withinMatcher } from '../../events/scope';
import { EventStream, eventIdOfCursor, eventOfRow } from '../../events/stream';
import { argumentKey } from '../../graphql/errors';
import type { IncidentEventFilter } from './incident.inputs';
import { incidentFromSnapshot, transitionFromSnapshot } from './incident.loaders';
import { incidentEventScope } from './incident.scope';
import { INCIDENT_TOPIC } from './incident.service';

const WITHIN_TYPES: UnitType[] = ['District', 'Street', 'Community', 'Grid', 'Household', 'Department'];

/** The events of `incidentEvents`: the viewer's scope and the filter, matched on every event. */
export async function openIncidentEvents(ctx: Context, filter: IncidentEventFilter | undefined, after: string | undefined | null) {
  const afterId = after ? eventIdOfCursor(after) : null;
  const readable = await incidentEventScope(ctx.db, ctx.viewer);
  const within = await withinMatcher(ctx.db, filter?.within, WITHIN_TYPES);
  const incidentKey = filter?.incidentId ? argumentKey(filter.incidentId, 'Incident', 'filter.incidentId') : null;
  const categories = filter?.categories?.length ? new Set<string>(filter.categories) : null;
  const actions = filter?.actions?.length ? new Set<string>(filter.actions) : null;
  return EventStream.open(ctx.db, ctx.events, {
    topic: INCIDENT_TOPIC,
    after: afterId,
    match: (row) => {
      const payload = row.payload as { incident: { id: number; category: string }; transition: { action: string } };
      return readable(row.scope)
        && (within === null || within(row.scope))
        && (incidentKey === null || payload.incident.id === incidentKey)
        && (categories === null || categories.has(payload.incident.category))
        && (actions === null || actions.has(payload.transition.action));
    },
  });
}

/** An outbox row as the `IncidentEvent` a subscriber receives. */
export const incidentEventOf = eventOfRow((row) => {
  const payload = row.payload as { incident: Record<string, unknown>; transition: Record<string, unknown> };
  return {
    incident: incidentFromSnapshot(payload.incident),
    transition: transitionFromSnapshot(payload.transition),
  };
});
