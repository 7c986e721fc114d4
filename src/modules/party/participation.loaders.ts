import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { participationScope } from './party.scope';
import { participations } from './party.tables';

export type ParticipationRow = typeof participations.$inferSelect;

export const asParticipation = nodeMapper<ParticipationRow>('Participation');
export type ParticipationNode = ReturnType<typeof asParticipation>;

export const participationById = (ctx: Context) => byIdLoader(ctx, 'Participation', participations, asParticipation, participationScope(ctx.viewer));

export function participationsOfReportIn(ctx: Context): ChildList<ParticipationRow, ParticipationNode> {
  return {
    name: 'ReportIn.participations',
    table: participations,
    parentColumn: participations.reportInId,
    parentKey: 'reportInId',
    ordering: { column: participations.occurredOn, key: 'occurredOn', direction: OrderDirection.DESC },
    map: asParticipation,
    where: participationScope(ctx.viewer),
  };
}
