import { execute, parse, type DocumentNode } from 'graphql';
import { checkAccess } from '../../auth/access';
import { ApiKeyTopic } from '../../auth/topics';
import type { Unit, Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Queryable } from '../../db/client';
import type { OutboxRow } from '../../events/outbox';
import { unitMatcher } from '../../events/scope';
import { getSchema } from '../../schema';
import { INCIDENT_TOPIC } from '../incident/incident.service';
import { incidentEventScope } from '../incident/incident.scope';
import { DISCLOSURE_TOPIC } from '../property/disclosure.service';
import { compoundEventScope } from '../property/property.scope';
import { WISH_TOPIC } from '../wish/wish.service';
import { wishEventScope } from '../wish/wish.scope';

/**
 * What a webhook carries for each topic: the event of the topic's subscription, selected by
 * a fixed document and resolved for the key's viewer, so a webhook shows exactly what the
 * key's subscription would (the same scope, the same masking, the same refused fields).
 */
interface TopicRule {
  outboxTopic: string;
  field: string;
  document: DocumentNode;
  readable: (db: Queryable, viewer: Viewer) => Promise<(row: OutboxRow) => boolean>;
}

const PLACE = 'grid { id code name } community { id name } street { id name }';

const RULES: Record<ApiKeyTopic, TopicRule> = {
  [ApiKeyTopic.INCIDENTS]: {
    outboxTopic: INCIDENT_TOPIC,
    field: 'incidentEvents',
    document: parse(`subscription { incidentEvents { cursor occurredAt
      incident { id title description category priority status version reportedAt deadline handledAt closedAt overdue location photoUrls satisfaction
        ${PLACE} department { id code name } }
      transition { id action fromStatus toStatus at note actor { subject role } department { id code name } } } }`),
    readable: async (db, viewer) => {
      const matches = await incidentEventScope(db, viewer);
      return (row) => matches(row.scope);
    },
  },
  [ApiKeyTopic.DISCLOSURES]: {
    outboxTopic: DISCLOSURE_TOPIC,
    field: 'disclosurePublished',
    document: parse(`subscription { disclosurePublished { cursor occurredAt kind actor { subject role } compound { id name address }
      disclosure { id month version publishedAt openingBalance income feeIncome expenses remuneration closingBalance contentHash previousHash correctionReason } } }`),
    readable: async (db, viewer) => {
      const matches = await compoundEventScope(db, viewer);
      return (row) => matches(row.scope);
    },
  },
  [ApiKeyTopic.WISHES]: {
    outboxTopic: WISH_TOPIC,
    field: 'wishEvents',
    document: parse(`subscription { wishEvents { cursor occurredAt
      wish { id title detail category status version submittedAt publishedAt claimedAt fulfilledAt closedAt claimantKind claimantName ${PLACE} }
      transition { id action fromStatus toStatus at note hours actor { subject role } } } }`),
    readable: wishEventScope,
  },
};

const TOPIC_OF_OUTBOX = new Map(Object.entries(RULES).map(([topic, rule]) => [rule.outboxTopic, topic as ApiKeyTopic]));

export function outboxTopicsOf(topics: readonly ApiKeyTopic[]): string[] {
  return topics.map((topic) => RULES[topic].outboxTopic);
}

export function topicOfOutbox(outboxTopic: string): ApiKeyTopic | undefined {
  return TOPIC_OF_OUTBOX.get(outboxTopic);
}

/** The rows an endpoint receives: its topics, the key's readable scope, and the endpoint's unit subtree. */
export async function endpointMatcher(db: Queryable, viewer: Viewer, topics: readonly ApiKeyTopic[], unit: Unit | null): Promise<(row: OutboxRow) => boolean> {
  const readable = new Map<string, (row: OutboxRow) => boolean>();
  for (const topic of topics) readable.set(RULES[topic].outboxTopic, await RULES[topic].readable(db, viewer));
  const within = unit === null ? null : await unitMatcher(db, unit);
  return (row) => (readable.get(row.topic)?.(row) ?? false) && (within === null || within(row.scope));
}

/**
 * The event of an outbox row as the key's subscription would deliver it. Refused or failed
 * resolution throws: the fan-out rolls back and retries rather than freeze a broken body.
 */
export async function webhookEventOf(context: Context, topic: ApiKeyTopic, row: OutboxRow): Promise<Record<string, unknown>> {
  const schema = await getSchema();
  const rule = RULES[topic];
  const refused = checkAccess(schema, rule.document, context.viewer);
  if (refused) throw refused;
  const result = await execute({ schema, document: rule.document, rootValue: row, contextValue: context });
  if (result.errors?.length) throw new Error(`Building the ${topic} webhook body failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return (result.data as Record<string, Record<string, unknown>>)[rule.field];
}
