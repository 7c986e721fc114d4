import { and, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { ApiKeyTopic } from '../../auth/topics';
import type { Config } from '../../config';
import { createContext } from '../../context';
import { rowsOf, type Database, type Db, type Tx } from '../../db/client';
import { inTransaction } from '../../db/transaction';
import { FoldedPasses } from '../../events/folded-passes';
import type { EventHub } from '../../events/hub';
import { latestEventId } from '../../events/outbox';
import { outbox } from '../../events/outbox.tables';
import { logger } from '../../logger';
import { countEventsDelivered } from '../../server/metrics';
import { apiKeys } from '../integrator/integrator.tables';
import { guardedLookup, systemResolver, urlProblem, type AddressPolicy, type HostResolver } from './webhook.address';
import { endpointMatcher, outboxTopicsOf, topicOfOutbox, webhookEventOf } from './webhook.events';
import { nextAttemptAt, unitOfRow, viewerOfKey, webhookSignature } from './webhook.service';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from './webhook.tables';
import { WebhookDeliveryStatus } from './webhook.types';

/** Outbox rows fanned out per endpoint and transaction. */
const FAN_OUT_BATCH = 200;
/** A claimed delivery whose process died is taken over this long after its request's timeout. */
const LEASE_MARGIN_MS = 60_000;
/** How much of a failed answer's body an attempt keeps, for the integrator to read. */
const ERROR_EXCERPT = 300;

interface ClaimedDelivery {
  id: number;
  delivery_id: string;
  topic: string;
  body: string;
  round_started_at: string | Date | null;
  round_attempts: number;
  attempt_count: number;
  url: string;
  secret: string;
}

interface Answer {
  status: number | null;
  error: string | null;
}

/**
 * One per process: fans new outbox rows out into deliveries and sends the deliveries that are
 * due. Both read and write only PostgreSQL, so any number of processes share the work
 * (endpoints and deliveries are claimed with SKIP LOCKED) and a restarted process goes on from
 * the persisted cursors. Woken by every event the hub reads (replays and re-enabled endpoints
 * write one too) and by a poll that also brings retries when they fall due.
 */
export class WebhookDelivery {
  /** The time retries are scheduled and claimed by; tests move it forward instead of waiting. */
  clock: () => Date = () => new Date();
  /** How receivers' host names are resolved; tests put a stub DNS in its place. */
  resolver: HostResolver = systemResolver;
  private readonly policy: AddressPolicy;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly passes = new FoldedPasses(() => this.pass(), 'webhook delivery pass failed; the next event or poll retries');
  private fanOutWanted = false;
  private stopped = false;
  private poll: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly config: Config, private readonly database: Database, private readonly hub: EventHub) {
    this.policy = { allowedHosts: config.webhookAllowedHosts };
  }

  start(): void {
    this.unsubscribe = this.hub.subscribe(() => void this.kick());
    this.poll = setInterval(() => void this.kick(), this.config.webhookPollMs);
    this.poll.unref();
    // Whatever was published or fell due while no process ran.
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    this.unsubscribe?.();
    await this.passes.stop();
    await Promise.all(this.inFlight);
  }

  /**
   * Fans out (unless only a slot came free) and sends what is due; concurrent calls fold into
   * one more pass.
   */
  kick(fanOut = true): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.fanOutWanted ||= fanOut;
    return this.passes.run();
  }

  private async pass(): Promise<void> {
    if (this.fanOutWanted) {
      this.fanOutWanted = false;
      await this.fanOut();
    }
    await this.sendDue();
  }

  // Fan-out ------------------------------------------------------------------------------------

  private get db(): Db {
    return this.database.housekeeping;
  }

  private async fanOut(): Promise<void> {
    const now = this.clock();
    const head = await latestEventId(this.db);
    const behind = await this.db.select({ id: webhookEndpoints.id }).from(webhookEndpoints)
      .innerJoin(apiKeys, eq(apiKeys.id, webhookEndpoints.apiKeyId))
      .where(and(eq(webhookEndpoints.enabled, true), lt(webhookEndpoints.cursor, head), isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))));
    for (const { id } of behind) {
      while (!this.stopped && await inTransaction(this.db, (tx) => this.fanOutEndpoint(tx, id, now)));
    }
  }

  /**
   * One batch of one endpoint, in one transaction: the endpoint row is locked (another process
   * skips it), the rows after its cursor are matched and frozen into deliveries, the cursor
   * moves on. Answers whether more rows wait.
   */
  private async fanOutEndpoint(tx: Tx, id: number, now: Date): Promise<boolean> {
    const [endpoint] = await tx.select().from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.enabled, true))).for('update', { skipLocked: true });
    if (!endpoint) return false;
    const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, endpoint.apiKeyId));
    const viewer = viewerOfKey(key);
    const topics = (viewer.topics ?? []).filter((t) => endpoint.topics.includes(t));
    // Outbox ids follow commit order (outbox.ts): every row up to the head is already visible.
    const head = await latestEventId(tx);
    const rows = topics.length === 0 ? [] : await tx.select().from(outbox)
      .where(and(gt(outbox.id, endpoint.cursor), lte(outbox.id, head), inArray(outbox.topic, outboxTopicsOf(topics))))
      .orderBy(outbox.id).limit(FAN_OUT_BATCH);
    const matches = await endpointMatcher(tx, viewer, topics, unitOfRow(endpoint));
    // Field resolvers read through the fan-out's own transaction.
    const context = { ...createContext(this.config, this.database, this.hub, viewer), db: tx as unknown as Db };
    const deliveries: (typeof webhookDeliveries.$inferInsert)[] = [];
    for (const row of rows) {
      if (!matches(row)) continue;
      const topic = topicOfOutbox(row.topic) as ApiKeyTopic;
      const event = await webhookEventOf(context, topic, row);
      const deliveryId = randomUUID();
      deliveries.push({
        deliveryId, endpointId: endpoint.id, eventId: row.id, topic, nextAttemptAt: now,
        body: JSON.stringify({ deliveryId, topic, event }),
      });
    }
    if (deliveries.length > 0) await tx.insert(webhookDeliveries).values(deliveries).onConflictDoNothing();
    const more = rows.length === FAN_OUT_BATCH;
    await tx.update(webhookEndpoints).set({ cursor: more ? rows.at(-1)!.id : Math.max(head, endpoint.cursor) }).where(eq(webhookEndpoints.id, endpoint.id));
    return more;
  }

  // Sending ------------------------------------------------------------------------------------

  /** Claims due deliveries while slots are free; each attempt runs on its own and wakes the worker when done. */
  private async sendDue(): Promise<void> {
    while (!this.stopped) {
      const free = this.config.webhookConcurrency - this.inFlight.size;
      if (free <= 0) return;
      const claimed = await this.claim(free);
      for (const delivery of claimed) {
        const attempt: Promise<void> = this.attempt(delivery)
          .catch((error) => logger.warn({ err: error, delivery: delivery.delivery_id }, 'recording a webhook attempt failed; the lease runs out and it is retried'))
          .finally(() => {
            this.inFlight.delete(attempt);
            void this.kick(false);
          });
        this.inFlight.add(attempt);
      }
      if (claimed.length < free) return;
    }
  }

  /**
   * Takes up to `limit` due deliveries of enabled endpoints of valid keys, and pushes their due
   * time to the end of a lease: while this process sends, no other takes them.
   */
  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const now = this.clock();
    const leaseEnd = new Date(now.getTime() + this.config.webhookTimeoutMs + LEASE_MARGIN_MS);
    return rowsOf<ClaimedDelivery>(this.db, sql`
      with due as (
        select d.id from ${webhookDeliveries} d
        join ${webhookEndpoints} e on e.id = d.endpoint_id
        join ${apiKeys} k on k.id = e.api_key_id
        where d.status in (${WebhookDeliveryStatus.PENDING}, ${WebhookDeliveryStatus.FAILED})
          and d.next_attempt_at <= ${now.toISOString()}::timestamptz
          and e.enabled and k.revoked_at is null and (k.expires_at is null or k.expires_at > ${now.toISOString()}::timestamptz)
        order by d.next_attempt_at, d.id
        limit ${limit}
        for update of d skip locked
      )
      update ${webhookDeliveries} d set next_attempt_at = ${leaseEnd.toISOString()}::timestamptz
      from due, ${webhookEndpoints} e
      where d.id = due.id and e.id = d.endpoint_id
      returning d.id, d.delivery_id, d.topic, d.body, d.round_started_at, d.round_attempts, d.attempt_count, e.url, e.secret`);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = this.clock();
    const began = performance.now();
    const answer = await this.post(delivery, startedAt);
    const durationMs = Math.round(performance.now() - began);
    const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
    const roundStartedAt = delivery.round_started_at === null ? startedAt : new Date(delivery.round_started_at);
    const roundAttempts = delivery.round_attempts + 1;
    const next = delivered ? null : nextAttemptAt(roundStartedAt, roundAttempts, startedAt);
    const status = delivered ? WebhookDeliveryStatus.DELIVERED : next ? WebhookDeliveryStatus.FAILED : WebhookDeliveryStatus.GAVE_UP;
    await inTransaction(this.db, async (tx) => {
      await tx.insert(webhookAttempts).values({
        deliveryId: delivery.id, startedAt, durationMs, httpStatus: answer.status, error: answer.error,
        replay: delivery.round_attempts === 0 && delivery.attempt_count > 0,
      });
      await tx.update(webhookDeliveries).set({
        status, attemptCount: sql`${webhookDeliveries.attemptCount} + 1`, roundStartedAt, roundAttempts, nextAttemptAt: next,
        ...(delivered ? { deliveredAt: startedAt } : {}),
      }).where(eq(webhookDeliveries.id, delivery.id));
    });
    if (delivered) countEventsDelivered('webhook');
  }

  /** One POST: the status the receiver answered, or why none came. Redirects are not followed. */
  private post(delivery: ClaimedDelivery, at: Date): Promise<Answer> {
    const refused = urlProblem(delivery.url, this.policy);
    if (refused) return Promise.resolve({ status: null, error: refused });
    const timestamp = Math.floor(at.getTime() / 1000);
    const timeoutMs = this.config.webhookTimeoutMs;
    const target = new URL(delivery.url);
    const signal = AbortSignal.timeout(timeoutMs);
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const settle = (answer: Answer) => {
        if (settled) return;
        settled = true;
        resolve(answer);
      };
      const failure = (error: Error & { code?: string }) => settle({
        status: null,
        error: signal.aborted ? `No answer within ${timeoutMs} ms.` : `${error.code ? `${error.code}: ` : ''}${error.message}`,
      });
      const request = (target.protocol === 'https:' ? https : http).request(target, {
        method: 'POST',
        signal,
        lookup: guardedLookup(this.policy, this.resolver),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'gridgov-webhooks',
          'x-gridgov-delivery': delivery.delivery_id,
          'x-gridgov-event': delivery.topic,
          'x-gridgov-timestamp': String(timestamp),
          'x-gridgov-signature': webhookSignature(delivery.secret, timestamp, delivery.body),
        },
      }, (response) => {
        const status = response.statusCode ?? 0;
        let excerpt = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (excerpt.length < ERROR_EXCERPT) excerpt += chunk.slice(0, ERROR_EXCERPT - excerpt.length);
        });
        response.on('error', failure);
        response.on('close', () => {
          if (!response.complete) failure(new Error('The connection closed before the answer was complete.'));
        });
        response.on('end', () => settle({
          status,
          error: status >= 200 && status < 300 ? null : `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`,
        }));
      });
      request.on('error', failure);
      request.end(delivery.body);
    });
  }
}
