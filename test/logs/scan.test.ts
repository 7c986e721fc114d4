import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { PROVOKED_ID_CARD, PROVOKED_ID_CARD_MASKED } from './provoked-error';

/**
 * Runs after every other test file of the run (vitest project `logs`, groupOrder 1) and
 * reads what they logged: LOG_DIR is this run's folder (vitest.config.ts).
 */
let lines: string[] = [];

beforeAll(() => {
  const dir = process.env.LOG_DIR;
  if (!dir) throw new Error('LOG_DIR is not set: run the logs project through vitest.config.ts');
  lines = fs.readdirSync(dir).flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n')).filter((line) => line !== '');
});

test('the run logged its requests: one line per GraphQL request, without variables or headers', () => {
  const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'graphql request');
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.some((entry) => entry.viewerRole !== null && typeof entry.viewerSubject === 'string')).toBe(true);
  for (const entry of requests.slice(0, 200)) {
    expect(Object.keys(entry).sort()).toEqual(['durationMs', 'errorCodes', 'level', 'method', 'msg', 'operation', 'reqId', 'service', 'status', 'time', 'viewerRole', 'viewerSubject']);
    expect(entry.reqId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  }
});

test('one line per GraphQL operation over a WebSocket, with the same fields and never variables', () => {
  const operations = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'graphql operation over websocket');
  expect(operations.length).toBeGreaterThan(0);
  expect(operations.some((entry) => entry.operationType === 'subscription')).toBe(true);
  for (const entry of operations.slice(0, 200)) {
    expect(Object.keys(entry).sort()).toEqual(['durationMs', 'errorCodes', 'level', 'msg', 'operation', 'operationType', 'service', 'time', 'viewerRole', 'viewerSubject']);
  }
});

test('no log line holds a whole 18-character ID number or mobile number', () => {
  const whole = lines.filter((line) => /(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])/.test(line));
  expect(whole).toEqual([]);
});

test('the internal error provoked with an ID number in its message was logged, masked', () => {
  const internal = lines.filter((line) => line.includes('"internal error"'));
  expect(internal.some((line) => line.includes(PROVOKED_ID_CARD_MASKED))).toBe(true);
  // Logged while serving the request, so it carries the request's id: the two lines can be joined.
  expect(internal.some((line) => line.includes(PROVOKED_ID_CARD_MASKED) && typeof JSON.parse(line).reqId === 'string')).toBe(true);
  expect(lines.some((line) => line.includes(PROVOKED_ID_CARD))).toBe(false);
});
