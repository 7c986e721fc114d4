import { registerEnumType } from 'type-graphql';

/** What an integrator's API key may read and subscribe to, beside public data. */
export enum ApiKeyTopic {
  INCIDENTS = 'INCIDENTS',
  DISCLOSURES = 'DISCLOSURES',
  WISHES = 'WISHES',
}

export const ALL_TOPICS: readonly ApiKeyTopic[] = Object.values(ApiKeyTopic);

registerEnumType(ApiKeyTopic, {
  name: 'ApiKeyTopic',
  description: 'A body of data an integrator\'s API key (接入方密钥) is granted: its queries, its subscription and its types.',
  valuesConfig: {
    INCIDENTS: { description: 'Incidents (事件) and their timelines: `incidents`, `incidentEvents`, for a city operations screen or a department\'s system.' },
    DISCLOSURES: { description: 'The sunshine ledger (阳光账本): plans, published ledger months and disclosures, for an owners\' disclosure board.' },
    WISHES: { description: 'Micro-wishes (微心愿) and their steps: `wishes`, `wishEvents`.' },
  },
});
