import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { latestEventId, pruneOutbox } from '../../../src/events/outbox';
import { toGlobalId } from '../../../src/graphql/ids';
import { compounds } from '../../../src/modules/property/property.tables';
import { boardCompound, type BoardCompound } from '../../helpers/board';
import { startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
/** C: the compound whose board is watched. D: its neighbour. */
let c: BoardCompound;
let d: BoardCompound;

beforeAll(async () => {
  t = await startTestServer();
  c = await boardCompound(t);
  d = await boardCompound(t);
});
afterAll(async () => t?.close());

const boardUrl = (server: TestServer, id: string) => `http://localhost:${server.server.port}/board/${encodeURIComponent(id)}`;

interface BoardMessage {
  id: number;
  html: string;
  change: { month: string; version: number } | null;
}

/** A board's Server-Sent Events stream read as a browser's EventSource reads it. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let retry: number | null = null;
  /** The next `board` message, or null when the server ended the stream. */
  async function next(): Promise<BoardMessage | null> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
        if (fields.retry) retry = Number(fields.retry);
        if (fields.event === 'board') return { id: Number(fields.id), ...(JSON.parse(fields.data) as Omit<BoardMessage, 'id'>) };
        continue;
      }
      const chunk = await reader.read();
      if (chunk.done) return null;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  }
  return { response, next, retry: () => retry, close: () => abort.abort() };
}

/** The `?after=` position the page gives its script. */
async function pagePosition(compound: BoardCompound): Promise<{ html: string; eventsUrl: string }> {
  const response = await fetch(boardUrl(t, compound.ids.compound));
  const html = await response.text();
  const path = /data-events="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
  return { html, eventsUrl: `http://localhost:${t.server.port}${path}` };
}

describe('the board page (公示栏)', () => {
  test('an unknown or malformed compound answers a 404 page in Chinese', async () => {
    for (const id of [toGlobalId('Compound', 999_999), toGlobalId('Household', c.households[0].id), 'not-an-id']) {
      const response = await fetch(boardUrl(t, id));
      expect(response.status, id).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('未找到这个小区');
      expect((await fetch(`${boardUrl(t, id)}/events`)).status, id).toBe(404);
    }
  });

  test('public, no token: the names the lobby shows and each month in force, never the lines or who published', async () => {
    const january = await c.publish('2026-01', '8000.00', '2000.00', '5200.00');
    await c.correct('2026-01', '一月保洁费多记 500 元，已更正', '8000.00', '1500.00', '5700.00');
    const response = await fetch(boardUrl(t, c.ids.compound));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*style-src 'self';/);
    const html = await response.text();
    expect(html).toContain(`<h1>${c.compound.name}</h1>`);
    expect(html).toContain(`物业服务企业：${c.company.name}`);
    // The version in force (2) with its reason; version 1 is no longer shown.
    expect(html.match(/data-month="2026-01"/g)).toHaveLength(1);
    expect(html).toContain('data-version="2"');
    expect(html).toContain('更正 · 第2版');
    expect(html).toContain('一月保洁费多记 500 元，已更正');
    for (const [label, amount] of [['期初结余', '0.00'], ['收入合计', '8,000.00'], ['物业酬金', '800.00'], ['支出合计', '1,500.00'], ['期末结余', '5,700.00']]) {
      expect(html).toContain(`<dt>${label}</dt><dd>${amount} 元</dd>`);
    }
    expect(html).not.toContain(january.contentHash.slice(0, 12));
    expect(html).not.toContain(c.tokens.committee);
    expect(html).not.toContain(`committee-${c.compound.id}`);
    expect(html).not.toContain('保洁外包');
    expect(html).not.toContain(c.company.creditCode);
  });

  test('text the committee wrote stays text', async () => {
    await d.publish('2026-01', '6000.00', null, '5400.00');
    await d.correct('2026-01', '<script>alert(1)</script><b>已退回</b>', '6000.00', '100.00', '5300.00');
    const html = await (await fetch(boardUrl(t, d.ids.compound))).text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;已退回&lt;/b&gt;');
    expect(html).not.toContain('<script>alert');
  });
});

describe('the live stream (Server-Sent Events)', () => {
  test('from the page\'s position: only this compound\'s events, each with its outbox id, the notices re-rendered and the month that changed', async () => {
    const { eventsUrl } = await pagePosition(c);
    const stream = await openStream(eventsUrl);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await expect.poll(() => t.server.board.connections).toBe(1);

    await d.publish('2026-02', '6000.00', null, '10700.00');
    const published = await c.publish('2026-02', '8000.00', null, '12900.00');
    const afterPublish = await latestEventId(t.database.db);
    const message = await stream.next();
    expect(stream.retry()).toBe(3000);
    // D's event came first and is not on C's board.
    expect(message).toMatchObject({ id: afterPublish, change: { month: '2026-02', version: 1 } });
    expect(message!.html).toContain('data-month="2026-02"');
    expect(message!.html).toContain(published.contentHash.slice(0, 12));
    expect(message!.html.indexOf('data-month="2026-02"')).toBeLessThan(message!.html.indexOf('data-month="2026-01"'));

    const corrected = await c.correct('2026-02', '二月物业费少记', '8100.00', null, '12990.00');
    const correction = await stream.next();
    expect(correction).toMatchObject({ id: await latestEventId(t.database.db), change: { month: '2026-02', version: 2 } });
    expect(correction!.html).toContain(corrected.contentHash.slice(0, 12));
    expect(correction!.html).toContain('二月物业费少记');

    stream.close();
    await expect.poll(() => t.server.board.connections).toBe(0);
  });

  test('a browser that reconnects with Last-Event-ID receives exactly what it missed, in order, then live events', async () => {
    const missedFrom = await latestEventId(t.database.db);
    await c.publish('2026-03', '8000.00', null, '20190.00');
    await d.publish('2026-03', '6000.00', null, '16100.00');
    await c.correct('2026-03', '三月结余更正', '8000.00', '100.00', '20090.00');
    const stream = await openStream(`${boardUrl(t, c.ids.compound)}/events?after=1`, { 'last-event-id': String(missedFrom) });
    const first = await stream.next();
    const second = await stream.next();
    expect([first!.change, second!.change]).toEqual([{ month: '2026-03', version: 1 }, { month: '2026-03', version: 2 }]);
    expect(first!.id).toBeGreaterThan(missedFrom);
    expect(second!.id).toBeGreaterThan(first!.id + 1);

    await c.publish('2026-04', '8000.00', null, '27290.00');
    expect((await stream.next())!.change).toEqual({ month: '2026-04', version: 1 });
    stream.close();
  });

  test('no position, a position past the newest event, or one that left the retention: the current notices first', async () => {
    const current = await pagePosition(c);
    const latest = await latestEventId(t.database.db);
    for (const headers of [{}, { 'last-event-id': String(latest + 1000) }] as Record<string, string>[]) {
      const stream = await openStream(`${boardUrl(t, c.ids.compound)}/events`, headers);
      const snapshot = await stream.next();
      expect(snapshot).toMatchObject({ id: latest, change: null });
      expect(current.html).toContain(snapshot!.html);
      stream.close();
    }
    await pruneOutbox(t.database.db, 0);
    const expired = await openStream(`${boardUrl(t, c.ids.compound)}/events`, { 'last-event-id': '1' });
    expect(await expired.next()).toMatchObject({ id: latest, change: null });
    await c.publish('2026-05', '8000.00', null, '34490.00');
    expect((await expired.next())!.change).toEqual({ month: '2026-05', version: 1 });
    expired.close();
  });

  test('the streams of one compound that an event wakes share one read of the board', async () => {
    // The board's read of the months in force is the one statement that selects from "disclosures" with a limit.
    const boardReads: string[] = [];
    const counted = t.database.statements.logQuery.bind(t.database.statements);
    Object.assign(t.database.statements, {
      logQuery(query: string) {
        if (/from "disclosures"/.test(query) && /limit/i.test(query)) boardReads.push(query);
        counted();
      },
    });
    try {
      const readsForOneEvent = async (streams: number, month: string, closing: string) => {
        const { eventsUrl } = await pagePosition(c);
        const open = await Promise.all(Array.from({ length: streams }, () => openStream(eventsUrl)));
        await expect.poll(() => t.server.board.connections).toBe(streams);
        boardReads.length = 0;
        await c.publish(month, '8000.00', null, closing);
        const received = await Promise.all(open.map((stream) => stream.next()));
        expect(received.map((m) => m?.change)).toEqual(open.map(() => ({ month, version: 1 })));
        for (const stream of open) stream.close();
        await expect.poll(() => t.server.board.connections).toBe(0);
        return boardReads.length;
      };
      const alone = await readsForOneEvent(1, '2026-06', '41690.00');
      expect(alone).toBeGreaterThan(0);
      expect(await readsForOneEvent(3, '2026-07', '48890.00')).toBe(alone);
    } finally {
      Object.assign(t.database.statements, { logQuery: counted });
    }
  });

  test('a server that shuts down ends its streams at once (the browser reconnects elsewhere), not after the grace period', { timeout: 120_000 }, async () => {
    // A grace period far past the test's timeout: a stream left open would hold the close until then.
    const other = await startTestServer({ shutdownGraceMs: 600_000 });
    const [seeded] = await other.database.db.select({ id: compounds.id }).from(compounds).limit(1);
    const stream = await openStream(`http://localhost:${other.server.port}/board/${encodeURIComponent(toGlobalId('Compound', seeded.id))}/events`);
    expect(await stream.next()).toMatchObject({ change: null });
    expect(other.server.board.connections).toBe(1);
    await other.close();
    expect(await stream.next()).toBeNull();
    expect(other.server.board.connections).toBe(0);
  });
});
