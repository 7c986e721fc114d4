import 'reflect-metadata';
import { assertValidSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { assertAccessTableCovers } from './auth/access';
import { ViewerResolver } from './auth/viewer.resolver';
import { maskFreeText } from './graphql/free-text';
import { NodeResolver } from './graphql/node.resolver';
import { DateTime } from './graphql/scalars';
import { workerAppraisalResolvers } from './modules/appraisal/appraisal.resolver';
import { auditResolvers } from './modules/audit/audit.resolver';
import { auditMutations } from './modules/audit/audit.service';
import { dashboardResolvers } from './modules/dashboard/dashboard.resolver';
import { gridResolvers } from './modules/grid/grid.resolver';
import { importResolvers } from './modules/import/import.resolver';
import { incidentResolvers } from './modules/incident/incident.resolver';
import { integratorResolvers } from './modules/integrator/integrator.resolver';
import { partyResolvers } from './modules/party/party.resolver';
import { appraisalResolvers } from './modules/property/appraisal.resolver';
import { compoundResolvers } from './modules/property/compound.resolver';
import { disclosureResolvers } from './modules/property/disclosure.resolver';
import { ledgerResolvers } from './modules/property/ledger.resolver';
import { matterResolvers } from './modules/property/matter.resolver';
import { voteResolvers } from './modules/property/vote.resolver';
import { visitResolvers } from './modules/visit/visit.resolver';
import { webhookResolvers } from './modules/webhook/webhook.resolver';
import { volunteerResolvers } from './modules/volunteer/volunteer.resolver';
import { wishResolvers } from './modules/wish/wish.resolver';

let built: Promise<GraphQLSchema> | undefined;

/**
 * type-graphql insists on a PubSub once there are subscriptions, but every subscription
 * here brings its own `subscribe` (a resumable outbox stream), so topics are never used.
 */
const NO_TOPICS = {
  publish(): never {
    throw new Error('Events are written with appendEvent, not published by topic.');
  },
  subscribe(): never {
    throw new Error('Subscriptions read the outbox through their own subscribe function.');
  },
};

/** The schema, built once per process, with free text masked; fails when the access table and its root fields differ. */
export function getSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [NodeResolver, ViewerResolver, ...gridResolvers, ...incidentResolvers, ...partyResolvers, ...compoundResolvers, ...ledgerResolvers, ...disclosureResolvers, ...appraisalResolvers, ...matterResolvers, ...voteResolvers, ...volunteerResolvers, ...wishResolvers, ...dashboardResolvers, ...visitResolvers, ...importResolvers, ...workerAppraisalResolvers, ...integratorResolvers, ...webhookResolvers, ...auditResolvers],
    scalarsMap: [{ type: Date, scalar: DateTime }],
    pubSub: NO_TOPICS,
    // Inputs are validated by runMutation, so refusals become user errors, not request errors.
    validate: false,
    emitSchemaFile: false,
    // type-graphql's own check runs a whole introspection query over the schema (a third of the
    // build's time at every start); graphql-js's validation below finds the same faults, and
    // Apollo Server and graphql-ws reuse its cached result instead of validating again.
    skipCheck: true,
  }).then((schema) => {
    assertValidSchema(schema);
    assertAccessTableCovers(schema);
    maskFreeText(schema);
    auditMutations(schema);
    return schema;
  });
  return built;
}
