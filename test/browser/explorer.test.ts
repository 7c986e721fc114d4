import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page, WebSocket as PageSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config';
import { browserAvailable, foreignRequests, launchBrowser, SCREENSHOT_DIR, type TestBrowser } from '../helpers/browser';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { incidentClient } from '../helpers/incidents';
import { Role, startTestServer, type TestServer } from '../helpers/server';

const SECRET = 'production-test-secret-of-more-than-32-characters';
const PERSONAL_DATA_KEY = randomBytes(32).toString('base64');
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

let t: TestServer;
let u: DemoUnits;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
});
afterAll(async () => t?.close());

const home = (server: TestServer) => `http://localhost:${server.server.port}/`;

interface Settings {
  graphqlPath: string;
  demoTokens: { role: string; subject: string; token: string }[];
}

function settingsOf(html: string): Settings {
  const json = /<script type="application\/json" id="explorer-settings">(.*?)<\/script>/s.exec(html)?.[1];
  if (!json) throw new Error(`no explorer settings in the page: ${html.slice(0, 300)}`);
  return JSON.parse(json) as Settings;
}

async function index(server: TestServer, accept?: string) {
  const response = await fetch(home(server), { headers: accept ? { accept } : {} });
  return { response, text: await response.text() };
}

describe('GET / over HTTP', () => {
  test('a browser gets the explorer page, from our own bundle, with a content security policy', async () => {
    const { response, text } = await index(t, BROWSER_ACCEPT);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('vary')).toMatch(/accept/i);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/);
    expect(text).toContain('<script src="/assets/explorer.js"></script>');
    expect(text).toContain('<link rel="stylesheet" href="/assets/explorer.css">');
    expect(text).not.toMatch(/https?:\/\//);
    expect(settingsOf(text).graphqlPath).toBe('/graphql');
  });

  test.each([
    ['curl (Accept: */*)', '*/*'],
    ['a JSON client', 'application/json'],
    ['no Accept header', undefined],
  ])('%s still gets the JSON index', async (_name, accept) => {
    const { response, text } = await index(t, accept);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toMatchObject({ name: 'gridgov', graphql: '/graphql', websocket: '/graphql', protocol: 'graphql-transport-ws' });
  });

  test('the bundle is served by the API, nothing else is', async () => {
    for (const [file, type] of [['explorer.js', 'javascript'], ['explorer.css', 'text/css'], ['board.js', 'javascript'], ['board.css', 'text/css']]) {
      const response = await fetch(`${home(t)}assets/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toContain(type);
      expect((await response.arrayBuffer()).byteLength, file).toBeGreaterThan(500);
    }
    expect((await fetch(`${home(t)}assets/nothing.js`)).status).toBe(404);
    expect((await fetch(`${home(t)}assets/manifest.json`)).status).toBe(404);
    // A path out of the bundle's folder, encoded so that no client normalises it away, finds nothing.
    const escape = await fetch(`${home(t)}assets/%2e%2e/%2e%2e/package.json`);
    expect([403, 404]).toContain(escape.status);
    expect(await escape.text()).not.toContain('"name": "gridgov"');
  });

  test('in development the page offers a token for each demo role, and the API accepts each', async () => {
    const { demoTokens } = settingsOf((await index(t, BROWSER_ACCEPT)).text);
    const roles = demoTokens.map((d) => d.role);
    expect(roles).toEqual(expect.arrayContaining(['CITY_ADMIN', 'STREET_OFFICER', 'GRID_WORKER', 'RESIDENT', 'OWNERS_COMMITTEE', 'INTEGRATOR']));
    for (const demo of demoTokens) {
      const r = await t.gql('{ viewer { role subject } }', {}, demo.token);
      expect(r.errors, demo.role).toBeUndefined();
      expect(r.data.viewer.role, demo.subject).toBe(demo.role);
    }
  });

  test('EXPLORER: on by default, off in production unless EXPLORER=true', () => {
    expect(loadConfig({ NODE_ENV: 'development' } as NodeJS.ProcessEnv).explorer).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', EXPLORER: 'false' } as NodeJS.ProcessEnv).explorer).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, PERSONAL_DATA_KEY } as NodeJS.ProcessEnv).explorer).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, PERSONAL_DATA_KEY, EXPLORER: 'true' } as NodeJS.ProcessEnv).explorer).toBe(true);
  });
});

describe('GET / on servers set otherwise', () => {
  let closedInProduction: TestServer;
  let openInProduction: TestServer;
  let ownSecret: TestServer;
  beforeAll(async () => {
    closedInProduction = await startTestServer({ ...loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, PERSONAL_DATA_KEY } as NodeJS.ProcessEnv) });
    openInProduction = await startTestServer({ ...loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, PERSONAL_DATA_KEY, EXPLORER: 'true' } as NodeJS.ProcessEnv) });
    ownSecret = await startTestServer({ jwtSecret: 'a-development-secret-that-is-not-the-demo-one' });
  });
  afterAll(async () => {
    await Promise.all([closedInProduction?.close(), openInProduction?.close(), ownSecret?.close()]);
  });

  test('production: a browser gets the JSON index; with EXPLORER=true the explorer, but never a demo token', async () => {
    const closed = await index(closedInProduction, BROWSER_ACCEPT);
    expect(closed.response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(closed.text).not.toContain('explorer');
    const open = await index(openInProduction, BROWSER_ACCEPT);
    expect(open.response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(settingsOf(open.text).demoTokens).toEqual([]);
    expect(open.text).not.toMatch(/eyJ|ggk_/);
  });

  test('the explorer\'s script and stylesheet are not served where the explorer is off; the board\'s are', async () => {
    const status = async (server: TestServer, file: string) => (await fetch(`${home(server)}assets/${file}`)).status;
    for (const file of ['explorer.js', 'explorer.css']) {
      expect(await status(closedInProduction, file), file).toBe(404);
      expect(await status(openInProduction, file), file).toBe(200);
    }
    for (const file of ['board.js', 'board.css']) expect(await status(closedInProduction, file), file).toBe(200);
  });

  test('a development server signing with a secret of its own offers no demo token', async () => {
    const { text } = await index(ownSecret, BROWSER_ACCEPT);
    expect(settingsOf(text).demoTokens).toEqual([]);
    expect(text).not.toMatch(/eyJ|ggk_/);
  });
});

/** The text of a CodeMirror editor of GraphiQL (it renders only the lines in view; the editor has them all). */
function editorText(page: Page, editor: 'query' | 'response'): Promise<string> {
  return page.evaluate((selector) => {
    const element = (globalThis as any).document.querySelector(selector);
    return element ? (element.CodeMirror.getValue() as string) : '';
  }, `.graphiql-${editor}${editor === 'query' ? '-editor' : ''} .CodeMirror`);
}

/**
 * Puts an operation into the query editor, then waits until GraphiQL has parsed it (it does
 * so 100 ms after the last change): it decides from that parse whether to send the operation
 * over HTTP or the WebSocket, as it does after a person stops typing.
 */
async function setQuery(page: Page, query: string): Promise<void> {
  const editor = '.graphiql-query-editor .CodeMirror';
  await page.evaluate(({ selector, text }) => (globalThis as any).document.querySelector(selector).CodeMirror.setValue(text), { selector: editor, text: query });
  await page.waitForFunction(({ selector, text }) => {
    const parsed = (globalThis as any).document.querySelector(selector).CodeMirror.documentAST;
    return parsed?.loc?.source?.body === text;
  }, { selector: editor, text: query });
}

/** The `connection_init` payloads a page's WebSockets sent, and the sockets. */
function watchSockets(page: Page) {
  const sockets: PageSocket[] = [];
  const inits: Record<string, unknown>[] = [];
  page.on('websocket', (socket) => {
    sockets.push(socket);
    socket.on('framesent', (frame) => {
      const message = JSON.parse(String(frame.payload)) as { type: string; payload?: Record<string, unknown> };
      if (message.type === 'connection_init') inits.push(message.payload ?? {});
    });
  });
  return { sockets, inits };
}

describe.skipIf(!browserAvailable)('the explorer in Chromium', { timeout: 120_000 }, () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  test('a token typed into the bar is sent with the query; the result shows in the result pane', async () => {
    const { page, requests, errors } = await browser.page();
    // GraphiQL's own introspection query passes the query limits: the editor gets the schema.
    const introspection = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('IntrospectionQuery'));
    await page.goto(home(t));
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    const schema = await introspection;
    expect(schema.status()).toBe(200);
    expect(((await schema.json()) as { data: { __schema: { types: unknown[] } } }).data.__schema.types.length).toBeGreaterThan(100);
    const token = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id }, 'explorer-officer');
    // Pasted as a whole header value: the bar takes the token out of it.
    await page.locator('input[name="token"]').fill(`Bearer ${token}`);
    await page.getByRole('button', { name: '使用 Use' }).click();
    await expect.poll(() => page.locator('.token-bar-viewer').textContent(), { timeout: 60_000 }).toBe('STREET_OFFICER · explorer-officer');

    await setQuery(page, '{ viewer { role subject } streets(first: 5) { nodes { name } } }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => editorText(page, 'response'), { timeout: 60_000 }).toContain('explorer-officer');
    const shown = JSON.parse(await editorText(page, 'response'));
    const expected = await t.gql('{ streets(first: 5) { nodes { name } } }', {}, token);
    expect(shown.data.viewer).toEqual({ role: 'STREET_OFFICER', subject: 'explorer-officer' });
    expect(shown.data.streets).toEqual(expected.data.streets);
    expect(shown.data.streets.nodes.length).toBeGreaterThan(0);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'explorer.png') });

    expect(foreignRequests(requests, t.server.port)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a subscription runs over graphql-ws with the token in connection_init; an event made through the API appears; a new token opens a new socket', async () => {
    const { page, requests, errors } = await browser.page();
    const { sockets, inits } = watchSockets(page);
    await page.goto(home(t));
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    const option = page.locator('select[name="demo"] option', { hasText: 'CITY_ADMIN' });
    const admin = { subject: 'demo-city-admin', token: (await option.getAttribute('value'))! };
    await page.locator('select[name="demo"]').selectOption({ label: `CITY_ADMIN (${admin.subject})` });
    await expect.poll(() => page.locator('.token-bar-viewer').textContent(), { timeout: 60_000 }).toBe(`CITY_ADMIN · ${admin.subject}`);

    const subscribed = t.server.events.subscriptions;
    await setQuery(page, 'subscription { incidentEvents { transition { action toStatus } incident { title } } }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => t.server.events.subscriptions, { timeout: 60_000 }).toBe(subscribed + 1);
    expect(inits).toEqual([{ authorization: `Bearer ${admin.token}` }]);

    const worker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'explorer-worker');
    const xs = u.micro.boundary.map((p) => p[0]);
    const ys = u.micro.boundary.map((p) => p[1]);
    const longitude = (Math.min(...xs) + Math.max(...xs)) / 2;
    const latitude = (Math.min(...ys) + Math.max(...ys)) / 2;
    const reported = await incidentClient(t).report(worker, {
      category: 'ENVIRONMENT', title: '浏览器里看到的事件', description: '探索页订阅测试', longitude, latitude,
    });
    expect(reported.userErrors).toEqual([]);
    await expect.poll(() => editorText(page, 'response'), { timeout: 60_000 }).toContain('浏览器里看到的事件');
    await expect(editorText(page, 'response')).resolves.toContain('"toStatus": "REPORTED"');

    // Another token: the socket of the first one closes, the next subscription opens one with the new credential.
    await page.locator('input[name="token"]').fill(worker);
    await page.getByRole('button', { name: '使用 Use' }).click();
    await expect.poll(() => page.locator('.token-bar-viewer').textContent(), { timeout: 60_000 }).toBe('GRID_WORKER · explorer-worker');
    await expect.poll(() => sockets[0].isClosed(), { timeout: 60_000 }).toBe(true);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => inits.length, { timeout: 60_000 }).toBe(2);
    expect(inits[1]).toEqual({ authorization: `Bearer ${worker}` });

    expect(foreignRequests(requests, t.server.port)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
