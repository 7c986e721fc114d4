import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { onServer } from '../../helpers/database';
import { EVENT_QUERY } from '../../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Subscriber, whenSubscribed } from '../../helpers/subscriptions';

/** A second API process on the same PostgreSQL server, started as `npm start` would. */
async function startSecondProcess(url: string, listenUrl: string | undefined): Promise<{ child: ChildProcess; graphqlUrl: string }> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, DATABASE_URL: url, DATABASE_LISTEN_URL: listenUrl ?? '', PORT: '0', SEED: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Ready when it prints its address, failed when it exits first: on a busy machine starting takes long, the hook's timeout bounds it.
  const graphqlUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /(http:\/\/localhost:\d+\/graphql)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.stderr!.on('data', (chunk) => { out += chunk; });
    child.on('exit', (code) => reject(new Error(`second process exited with ${code}: ${out}`)));
  });
  return { child, graphqlUrl };
}

describe.runIf(onServer())('two API processes on one PostgreSQL server', () => {
  let t: TestServer;
  let u: DemoUnits;
  let second: { child: ChildProcess; graphqlUrl: string };

  beforeAll(async () => {
    t = await startTestServer();
    u = await demoUnits(t.database.db);
    second = await startSecondProcess(t.database.url!, t.database.listenUrl);
  }, 180_000);
  afterAll(async () => {
    second?.child.kill('SIGTERM');
    await t?.close();
  });

  test('a subscriber on one process receives the events of mutations made through the other', async () => {
    const secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
    const subscriber = await whenSubscribed(t.server.events, 1, () => new Subscriber(t.wsClient(secretary), EVENT_QUERY, { filter: { within: u.ids.community } }));
    const ring = u.micro.boundary;
    const point = { longitude: (ring[0][0] + ring[2][0]) / 2, latitude: (ring[0][1] + ring[2][1]) / 2 };
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(second.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secretary}` },
        body: JSON.stringify({
          query: 'mutation($input: IncidentReportInput!) { incidentReport(input: $input) { incident { id } userErrors { code } } }',
          variables: { input: { category: 'SAFETY_HAZARD', title: `电动车楼道充电 ${i}`, description: '飞线充电', ...point } },
        }),
      });
      const body = (await response.json()) as { data: { incidentReport: { incident: { id: string } } } };
      ids.push(body.data.incidentReport.incident.id);
    }
    const events = await subscriber.waitFor(3);
    expect(events.map((e) => e.incidentEvents.incident.id)).toEqual(ids);
    subscriber.stop();
  });
});
