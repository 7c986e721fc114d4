import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { guardedLookup, urlProblem, type HostResolver } from '../../src/modules/webhook/webhook.address';
import { GIVE_UP_AFTER_MS, nextAttemptAt, webhookSignature } from '../../src/modules/webhook/webhook.service';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Every attempt of a round whose attempts all fail at once, as offsets from the first. */
function schedule(): number[] {
  const start = new Date('2026-01-01T00:00:00Z');
  const times = [start];
  for (;;) {
    const next = nextAttemptAt(start, times.length, times.at(-1)!);
    if (next === null) return times.map((t) => t.getTime() - start.getTime());
    times.push(next);
  }
}

describe('the retry ladder', () => {
  test('immediately, +1 min, +5 min, +30 min, +2 h, +6 h, then daily up to 7 days', () => {
    const offsets = schedule();
    const gaps = offsets.slice(1).map((t, i) => t - offsets[i]);
    expect(gaps.slice(0, 5)).toEqual([MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR]);
    expect(gaps.slice(5).every((gap) => gap === DAY)).toBe(true);
    expect(offsets).toHaveLength(12);
    expect(offsets.at(-1)).toBeLessThanOrEqual(GIVE_UP_AFTER_MS);
    expect(offsets.at(-1)! + DAY).toBeGreaterThan(GIVE_UP_AFTER_MS);
  });

  test('the next attempt counts from the failed one, and the round ends 7 days after its first', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const late = new Date(start.getTime() + 10 * MINUTE);
    expect(nextAttemptAt(start, 2, late)).toEqual(new Date(late.getTime() + 5 * MINUTE));
    expect(nextAttemptAt(start, 8, new Date(start.getTime() + 6 * DAY))).toEqual(new Date(start.getTime() + 7 * DAY));
    expect(nextAttemptAt(start, 8, new Date(start.getTime() + 6 * DAY + 1))).toBeNull();
  });
});

describe('the signature', () => {
  test('is the hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the whole secret', () => {
    const secret = 'whsec_test';
    const body = '{"deliveryId":"d","topic":"INCIDENTS","event":{}}';
    const expected = createHmac('sha256', secret).update(`1767225600.${body}`).digest('hex');
    expect(webhookSignature(secret, 1_767_225_600, body)).toBe(`sha256=${expected}`);
    expect(webhookSignature(secret, 1_767_225_601, body)).not.toBe(`sha256=${expected}`);
  });
});

describe('where webhooks may go', () => {
  const production = { allowedHosts: [] };
  test('http and https on ordinary and intranet hosts pass', () => {
    for (const url of ['https://example.org/hook', 'http://10.1.2.3:8080/hook', 'http://192.168.0.5/x', 'https://gov.intranet/hook?x=1']) {
      expect(urlProblem(url, production), url).toBeNull();
    }
  });

  test('other schemes, credentials, fragments, loopback and link-local are refused unless allowed', () => {
    for (const url of ['ftp://example.org/', 'file:///etc/passwd', 'https://a:b@example.org/', 'https://example.org/#x', 'http://localhost/',
      'http://127.0.0.1:4000/graphql', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/', 'http://0.0.0.0/',
      'http://[::ffff:127.0.0.1]/', 'relative/path']) {
      expect(urlProblem(url, production), url).not.toBeNull();
    }
    expect(urlProblem('http://127.0.0.1:9000/hook', { allowedHosts: ['127.0.0.1'] })).toBeNull();
    expect(urlProblem('http://localhost:9000/hook', { allowedHosts: ['localhost'] })).toBeNull();
    expect(urlProblem('http://169.254.169.254/', { allowedHosts: ['127.0.0.1'] })).not.toBeNull();
  });

  /** A stub DNS: the names of the test and their addresses; nothing is resolved or connected to. */
  const stubDns: HostResolver = async (hostname) => {
    const zone: Record<string, string[]> = {
      'intranet.city.example': ['10.0.0.5'],
      'rebound.city.example': ['127.0.0.1'],
      'metadata.city.example': ['169.254.169.254'],
      'ula.city.example': ['fd12:3456::5'],
      'mapped.city.example': ['::ffff:192.168.1.20'],
      'split.city.example': ['203.0.113.10', '172.20.0.1'],
      'receiver.city.example': ['203.0.113.10'],
    };
    return (zone[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const lookup = (hostname: string, allowedHosts: string[] = []) => new Promise<{ code?: string; address?: string }>((resolve) => {
    guardedLookup({ allowedHosts }, stubDns)(hostname, {}, (error, address) => resolve(error ? { code: (error as NodeJS.ErrnoException).code } : { address: address as string }));
  });

  test('at delivery, a host name resolving to a private, loopback or link-local address is refused, unless the host is allowed', async () => {
    for (const name of ['intranet.city.example', 'rebound.city.example', 'metadata.city.example', 'ula.city.example', 'mapped.city.example', 'split.city.example']) {
      expect(await lookup(name), name).toEqual({ code: 'EREFUSEDADDRESS' });
    }
    expect(await lookup('receiver.city.example')).toEqual({ address: '203.0.113.10' });
    expect(await lookup('intranet.city.example', ['intranet.city.example'])).toEqual({ address: '10.0.0.5' });
    expect(await lookup('metadata.city.example', ['intranet.city.example'])).toEqual({ code: 'EREFUSEDADDRESS' });
  });
});
