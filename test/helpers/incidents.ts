import type { TestServer } from './server';

export const INCIDENT_FIELDS = 'id status version department { id } viewerCanAccept viewerCanDispatch viewerCanStart viewerCanFeedback viewerCanClose viewerCanReopen';

/** The mutations of the closed loop, as a client calls them. */
export function incidentClient(t: TestServer) {
  const step = async (mutation: string, args: Record<string, unknown>, token: string) => {
    const params = Object.keys(args).map((k) => `${k}: $${k}`).join(', ');
    const types: Record<string, string> = {
      id: 'ID!', expectedVersion: 'Int', note: 'String', triage: 'IncidentTriage!', departmentId: 'ID', satisfaction: 'Int!',
      idempotencyKey: 'String', priority: 'IncidentPriority', photoUrls: '[String!]', cooperatingDepartmentIds: '[ID!]',
    };
    const decl = Object.keys(args).map((k) => `$${k}: ${types[k]}`).join(', ');
    const r = await t.gql(`mutation(${decl}) { ${mutation}(${params}) { incident { ${INCIDENT_FIELDS} } userErrors { field code message } } }`, args, token);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data[mutation] as { incident: any; userErrors: { field: string[]; code: string; message: string }[] };
  };
  return {
    step,
    async report(token: string, input: Record<string, unknown>, idempotencyKey?: string) {
      const r = await t.gql(`mutation($input: IncidentReportInput!, $key: String) {
        incidentReport(input: $input, idempotencyKey: $key) { incident { ${INCIDENT_FIELDS} deadline grid { id code } } userErrors { field code message } }
      }`, { input, key: idempotencyKey }, token);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data.incidentReport as { incident: any; userErrors: { field: string[]; code: string; message: string }[] };
    },
  };
}

export const EVENT_QUERY = `subscription($filter: IncidentEventFilter, $after: String) {
  incidentEvents(filter: $filter, after: $after) {
    cursor occurredAt
    transition { action fromStatus toStatus note actor { subject role } }
    incident { id status version title grid { code } }
  }
}`;
