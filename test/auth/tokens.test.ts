import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { TokenCommandError, tokenCommand } from '../../src/auth/token-command';
import { demoUnits, type DemoUnits } from '../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../helpers/server';

let t: TestServer;
let u: DemoUnits;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
});
afterAll(async () => t?.close());

const VIEWER = '{ viewer { role subject unitId } }';
const now = () => Math.floor(Date.now() / 1000);

interface Signing {
  key: CryptoKey | Uint8Array;
  alg: string;
  kid?: string;
  iss?: string | null;
  aud?: string | null;
  /** Seconds since the epoch; null: no `exp` at all. */
  exp?: number | null;
  /** Seconds since the epoch; absent: now. */
  iat?: number;
}

/** A token built claim by claim, so each check of the verifier can be broken alone. */
async function sign(claims: Record<string, unknown>, s: Signing): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: s.alg, ...(s.kid ? { kid: s.kid } : {}) }).setSubject('someone').setIssuedAt(s.iat);
  if (s.iss !== null) jwt.setIssuer(s.iss ?? 'gridgov');
  if (s.aud !== null) jwt.setAudience(s.aud ?? 'gridgov');
  if (s.exp !== null) jwt.setExpirationTime(s.exp ?? now() + 600);
  return jwt.sign(s.key);
}

const secret = () => new TextEncoder().encode(t.config.jwtSecret!);

async function expectRefused(server: TestServer, token: string, message?: RegExp) {
  const response = await server.post({ query: VIEWER }, token);
  expect(response.status).toBe(401);
  const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[]; data?: unknown };
  expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  if (message) expect(body.errors[0].message).toMatch(message);
  expect(body.data ?? null).toBeNull();
}

/** Opens a raw graphql-transport-ws socket and resolves with the code it is closed with. */
function closeCodeOf(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('HS256 tokens', () => {
  test('a token from issueToken (the test helper) is accepted, with its role, subject and unit', async () => {
    const token = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.level2.id }, 'worker-7');
    const r = await t.gql(VIEWER, {}, token);
    expect(r.data.viewer).toEqual({ role: 'GRID_WORKER', subject: 'worker-7', unitId: u.ids.level2 });
  });

  test.each([
    ['expired', { exp: now() - 60 }, /expired/],
    ['without exp', { exp: null }, /`exp`/],
    ['of another issuer', { iss: 'someone-else' }, /`iss`/],
    ['without an issuer', { iss: null }, /`iss`/],
    ['for another audience', { aud: 'another-api' }, /`aud`/],
    ['without an audience', { aud: null }, /`aud`/],
    ['issued two minutes in the future, past the 60 s of clock skew', { iat: now() + 120 }, /`iat`.*future/],
  ])('a token %s is refused', async (_name, change, message) => {
    await expectRefused(t, await sign({ role: 'CITY_ADMIN' }, { key: secret(), alg: 'HS256', ...change }), message);
  });

  test('a token issued 30 s in the future is accepted: the issuer\'s clock may run a little ahead', async () => {
    const r = await t.gql(VIEWER, {}, await sign({ role: 'CITY_ADMIN' }, { key: secret(), alg: 'HS256', iat: now() + 30 }));
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer.role).toBe('CITY_ADMIN');
  });

  test('a token signed with another secret is refused', async () => {
    await expectRefused(t, await sign({ role: 'CITY_ADMIN' }, { key: new TextEncoder().encode('not-the-secret-of-this-server-at-all'), alg: 'HS256' }));
  });

  test('an unsigned token (alg none) is refused', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', role: 'CITY_ADMIN', iss: 'gridgov', aud: 'gridgov', exp: now() + 600 })}.`;
    await expectRefused(t, unsigned, /HS256 only/);
  });

  test('a token may not make itself an integrator: integrators hold API keys', async () => {
    await expectRefused(t, await sign({ role: 'INTEGRATOR' }, { key: secret(), alg: 'HS256' }), /INTEGRATOR/);
  });

  test('nothing runs for a refused token', async () => {
    const token = await sign({ role: 'CITY_ADMIN' }, { key: secret(), alg: 'HS256', exp: now() - 60 });
    const before = t.database.statements.count;
    await expectRefused(t, token);
    expect(t.database.statements.count).toBe(before);
  });
});

describe('the token command (npm run token)', () => {
  test('issues a token the API accepts, for the role and unit given', async () => {
    const token = await tokenCommand(['--role', 'GRID_WORKER', '--unit', u.ids.level2, '--sub', 'wang.fang', '--expires', '8h'], t.config);
    const r = await t.gql(VIEWER, {}, token);
    expect(r.data.viewer).toEqual({ role: 'GRID_WORKER', subject: 'wang.fang', unitId: u.ids.level2 });
  });

  test.each([
    ['a unit of the wrong kind', ['--role', 'GRID_WORKER', '--unit', 'STREET', '--sub', 'x'], /GRID_WORKER's unit must be: Grid/],
    ['no unit for a street officer', ['--role', 'STREET_OFFICER', '--sub', 'x'], /must be: Street/],
    ['a role that does not exist', ['--role', 'MAYOR', '--sub', 'x'], /--role must be one of/],
    ['the integrator role', ['--role', 'INTEGRATOR', '--sub', 'x'], /API key/],
    ['no subject', ['--role', 'CITY_ADMIN'], /--sub/],
    ['a malformed expiry', ['--role', 'CITY_ADMIN', '--sub', 'x', '--expires', 'soon'], /--expires/],
  ])('refuses %s with a sentence', async (_name, argv, message) => {
    const args = argv.map((a) => (a === 'STREET' ? u.ids.street : a));
    await expect(tokenCommand(args, t.config)).rejects.toThrow(TokenCommandError);
    await expect(tokenCommand(args, t.config)).rejects.toThrow(message);
  });

  test('refuses on a deployment that only knows its identity provider\'s JWKS', async () => {
    await expect(tokenCommand(['--role', 'CITY_ADMIN', '--sub', 'x'], { ...t.config, jwtSecret: null })).rejects.toThrow(/JWKS_URL/);
  });
});

describe('WebSocket', () => {
  test('a connection without connection_init is closed with 4408', async () => {
    const socket = new WebSocket(t.server.wsUrl, 'graphql-transport-ws');
    expect(await closeCodeOf(socket)).toBe(4408);
  });

  test('a bad token in connection_init is closed with 4403', async () => {
    const socket = new WebSocket(t.server.wsUrl, 'graphql-transport-ws');
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer nonsense' } })));
    expect(await closeCodeOf(socket)).toBe(4403);
  });

  test('a token issued in the future, past the clock skew, is closed with 4403', async () => {
    const token = await sign({ role: 'CITY_ADMIN' }, { key: secret(), alg: 'HS256', iat: now() + 3600 });
    const socket = new WebSocket(t.server.wsUrl, 'graphql-transport-ws');
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    expect(await closeCodeOf(socket)).toBe(4403);
  });

  test('a connection is closed with 4403 when its token expires', async () => {
    const token = await sign({ role: 'CITY_ADMIN' }, { key: secret(), alg: 'HS256', exp: now() + 2 });
    const socket = new WebSocket(t.server.wsUrl, 'graphql-transport-ws');
    const acked = new Promise<void>((resolve) => socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve();
    }));
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    const closed = closeCodeOf(socket);
    await acked;
    expect(await closed).toBe(4403);
  });
});

describe('RS256 and ES256 tokens from a JWKS', () => {
  let jwks: http.Server;
  let j: TestServer;
  let es: { privateKey: CryptoKey; publicJwk: JWK };
  let rs: { privateKey: CryptoKey; publicJwk: JWK };
  let stranger: CryptoKey;
  let fetches = 0;

  beforeAll(async () => {
    const pair = async (alg: string, kid: string) => {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
    };
    es = await pair('ES256', 'es-1');
    rs = await pair('RS256', 'rs-1');
    stranger = (await generateKeyPair('ES256')).privateKey;
    jwks = http.createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [es.publicJwk, rs.publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    j = await startTestServer({ jwksUrl, jwtSecret: null, jwtIssuer: 'https://id.city.example', jwtAudience: 'gridgov-api' });
  });
  afterAll(async () => {
    await j?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const idp = { iss: 'https://id.city.example', aud: 'gridgov-api' };

  test.each(['ES256', 'RS256'])('a valid %s token of the identity provider is accepted', async (alg) => {
    const keys = alg === 'ES256' ? es : rs;
    const token = await sign({ role: 'STREET_OFFICER', unit: u.ids.street }, { key: keys.privateKey, alg, kid: keys.publicJwk.kid, ...idp });
    const r = await j.gql(VIEWER, {}, token);
    expect(r.errors).toBeUndefined();
    expect(r.data.viewer).toEqual({ role: 'STREET_OFFICER', subject: 'someone', unitId: u.ids.street });
  });

  test('the JWKS is fetched once, not per request', async () => {
    const token = await sign({ role: 'CITY_ADMIN' }, { key: es.privateKey, alg: 'ES256', kid: 'es-1', ...idp });
    for (let i = 0; i < 3; i += 1) expect((await j.gql(VIEWER, {}, token)).data.viewer.role).toBe('CITY_ADMIN');
    expect(fetches).toBe(1);
  });

  test.each([
    ['signed by a key outside the JWKS', () => sign({ role: 'CITY_ADMIN' }, { key: stranger, alg: 'ES256', kid: 'es-1', ...idp }), undefined],
    ['naming an unknown key id', () => sign({ role: 'CITY_ADMIN' }, { key: stranger, alg: 'ES256', kid: 'nobody', ...idp }), undefined],
    ['expired', () => sign({ role: 'CITY_ADMIN' }, { key: es.privateKey, alg: 'ES256', kid: 'es-1', ...idp, exp: now() - 60 }), /expired/],
    ['without exp', () => sign({ role: 'CITY_ADMIN' }, { key: es.privateKey, alg: 'ES256', kid: 'es-1', ...idp, exp: null }), /`exp`/],
    ['issued two minutes in the future', () => sign({ role: 'CITY_ADMIN' }, { key: rs.privateKey, alg: 'RS256', kid: 'rs-1', ...idp, iat: now() + 120 }), /`iat`.*future/],
    ['of this API\'s default issuer', () => sign({ role: 'CITY_ADMIN' }, { key: rs.privateKey, alg: 'RS256', kid: 'rs-1', aud: idp.aud }), /`iss`/],
    ['for another audience', () => sign({ role: 'CITY_ADMIN' }, { key: rs.privateKey, alg: 'RS256', kid: 'rs-1', iss: idp.iss, aud: 'gridgov' }), /`aud`/],
    ['signed with HS256 and the demo secret', () => sign({ role: 'CITY_ADMIN' }, { key: new TextEncoder().encode(t.config.jwtSecret!), alg: 'HS256', ...idp }), /RS256, ES256 only/],
    // Algorithm confusion: the public key, which anyone may fetch, used as an HS256 secret.
    ['signed with HS256 and the public key as its secret', () => sign({ role: 'CITY_ADMIN' }, { key: new TextEncoder().encode(JSON.stringify(rs.publicJwk)), alg: 'HS256', ...idp }), /RS256, ES256 only/],
  ])('a token %s is refused', async (_name, make, message) => {
    await expectRefused(j, await make(), message);
  });

  test('the same tokens open a WebSocket, and a refused one is closed with 4403', async () => {
    const good = await sign({ role: 'CITY_ADMIN' }, { key: es.privateKey, alg: 'ES256', kid: 'es-1', ...idp });
    const client = j.wsClient(good);
    const result = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: VIEWER }, { next: (value) => resolve(value.data), error: reject, complete: () => {} });
    });
    expect(result).toEqual({ viewer: { role: 'CITY_ADMIN', subject: 'someone', unitId: null } });

    const bad = await sign({ role: 'CITY_ADMIN' }, { key: secret(), alg: 'HS256', ...idp });
    const socket = new WebSocket(j.server.wsUrl, 'graphql-transport-ws');
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${bad}` } })));
    expect(await closeCodeOf(socket)).toBe(4403);
  });
});
