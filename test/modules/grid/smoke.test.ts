import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
beforeAll(async () => { t = await startTestServer(); });
afterAll(async () => t?.close());

test('smoke', async () => {
  const r = await t.gql(`{ streets(first: 2) { totalCount nodes { id name communities(first: 2) { totalCount nodes { name grids(first: 3) { nodes { code level boundary } } } } } } }`);
  console.log(JSON.stringify(r, null, 1).slice(0, 2000));
  expect(r.errors).toBeUndefined();
});
