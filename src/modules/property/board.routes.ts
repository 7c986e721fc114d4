import express, { type Request, type Response } from 'express';
import { GraphQLError } from 'graphql';
import type { Config } from '../../config';
import type { Database } from '../../db/client';
import type { EventHub } from '../../events/hub';
import type { OutboxRow } from '../../events/outbox';
import { EventStream } from '../../events/stream';
import { logger } from '../../logger';
import { countEventsDelivered } from '../../server/metrics';
import { setPageHeaders } from '../../server/web-assets';
import { boardCompoundKey, readBoard } from './board.service';
import { boardNotFoundPage, boardPage, noticesHtml } from './board.view';
import { disclosureFromSnapshot } from './disclosure.loaders';
import { DISCLOSURE_TOPIC } from './disclosure.service';

/** A comment line this often keeps proxies and lobby-screen browsers from dropping an idle stream. */
const HEARTBEAT_MS = 25_000;
/** How long a browser waits before reconnecting a dropped stream (the SSE `retry:` field). */
const RETRY_MS = 3_000;
/** Open streams per process; past it a new one is refused with 503, so a flood of idle streams cannot exhaust the process. */
export const MAX_BOARD_STREAMS = 5_000;

/** What the page's script receives: the notices to show, and which month changed (null: the current state). */
interface BoardMessage {
  html: string;
  change: { month: string; version: number } | null;
}

/** The event position a reconnecting browser resumes after: its Last-Event-ID, else the page's `?after=`. */
function resumePosition(req: Request): number | null {
  const raw = req.header('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

/**
 * The live side of the notice boards (公示栏): one Server-Sent Events stream per open page,
 * fed from this process's event hub with the disclosure events of its compound. The outbox id
 * is each message's SSE id, so a browser that reconnects (EventSource sends Last-Event-ID)
 * receives exactly what it missed, replayed from the outbox; one whose position has left the
 * retention receives the current notices instead.
 */
export class BoardFeed {
  private readonly open = new Map<Response, () => void>();
  /**
   * Board reads in flight, by compound and event: every stream of a compound that one event
   * wakes shares one read and one rendering. Keyed by the event too, so no stream shares a read
   * that began before its event was committed.
   */
  private readonly reading = new Map<string, Promise<string | null>>();

  constructor(private readonly config: Config, private readonly database: Database, private readonly events: EventHub) {}

  /** Streams open now, for /metrics. */
  get connections(): number {
    return this.open.size;
  }

  routes(): express.Router {
    const router = express.Router();
    router.get('/board/:compound', (req, res) => this.page(req, res));
    router.get('/board/:compound/events', (req, res) => this.stream(req, res));
    return router;
  }

  private async page(req: Request, res: Response): Promise<void> {
    const key = boardCompoundKey(String(req.params.compound));
    const board = key === null ? null : await readBoard(this.config, this.database, this.events, key);
    setPageHeaders(res, { framable: true, inlineStyles: false });
    if (!board) {
      res.status(404).type('html').send(boardNotFoundPage());
      return;
    }
    const eventsUrl = `/board/${encodeURIComponent(String(req.params.compound))}/events?after=${board.eventPosition}`;
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(boardPage(board, eventsUrl));
  }

  private async stream(req: Request, res: Response): Promise<void> {
    const key = boardCompoundKey(String(req.params.compound));
    const board = key === null ? null : await readBoard(this.config, this.database, this.events, key);
    if (key === null || !board) {
      res.status(404).json({ error: 'No compound has this ID.' });
      return;
    }
    if (this.open.size >= MAX_BOARD_STREAMS) {
      res.status(503).setHeader('retry-after', '60').json({ error: 'Too many notice boards are open on this server; retry later.' });
      return;
    }
    const match = (row: OutboxRow) => row.scope.compoundId === key;
    const resume = resumePosition(req);
    // A position past the newest event is no position: events below it would never pass.
    let stream = resume !== null && resume <= board.eventPosition ? await this.resumed(resume, match) : null;
    // Nothing to resume from (or it expired): send what is in force now, then what follows it.
    const snapshot = stream === null;
    stream ??= await EventStream.open(this.database.db, this.events, { topic: DISCLOSURE_TOPIC, after: board.eventPosition, match });

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    if (snapshot) send(res, board.eventPosition, { html: noticesHtml(board), change: null });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const live = stream;
    const close = () => {
      if (!this.open.delete(res)) return;
      clearInterval(heartbeat);
      void live.return();
      res.end();
    };
    this.open.set(res, close);
    res.on('close', close);
    // The browser may have gone while the board was read.
    if (res.destroyed) close();
    void this.follow(live, key, res, close);
  }

  /** The stream after a browser's position, or null when that position has left the outbox's retention. */
  private async resumed(after: number, match: (row: OutboxRow) => boolean): Promise<EventStream | null> {
    try {
      return await EventStream.open(this.database.db, this.events, { topic: DISCLOSURE_TOPIC, after, match });
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === 'CURSOR_EXPIRED') return null;
      throw error;
    }
  }

  /** Each event of the compound re-reads the board and sends it, with the event's id and month. */
  private async follow(stream: EventStream, key: number, res: Response, close: () => void): Promise<void> {
    try {
      for await (const row of stream) {
        const html = await this.noticesAfter(key, row.id);
        if (html === null) break;
        const disclosure = disclosureFromSnapshot((row.payload as { disclosure: Record<string, unknown> }).disclosure);
        send(res, row.id, { html, change: { month: disclosure.month, version: disclosure.version } });
        countEventsDelivered('board');
      }
    } catch (error) {
      // The browser reconnects with the last id it received and the missed events are replayed.
      logger.warn({ err: error, compound: key }, 'a notice board stream failed; the browser will resume it');
    } finally {
      close();
    }
  }

  /** The compound's notices as they stand after the event `eventId`, read and rendered once for all its streams; null when the compound is gone. */
  private noticesAfter(key: number, eventId: number): Promise<string | null> {
    const slot = `${key}:${eventId}`;
    let read = this.reading.get(slot);
    if (!read) {
      read = readBoard(this.config, this.database, this.events, key)
        .then((board) => (board ? noticesHtml(board) : null))
        .finally(() => this.reading.delete(slot));
      this.reading.set(slot, read);
    }
    return read;
  }

  /** Ends every stream (the server is shutting down); browsers reconnect to another process, or this one when back. */
  close(): void {
    for (const close of [...this.open.values()]) close();
  }
}

function send(res: Response, id: number, message: BoardMessage): void {
  res.write(`id: ${id}\nevent: board\ndata: ${JSON.stringify(message)}\n\n`);
}
