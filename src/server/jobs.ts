import type { Config } from '../config';
import type { Database } from '../db/client';
import { pruneOutbox } from '../events/outbox';
import { logger } from '../logger';
import { closeDueVotes } from '../modules/property/vote.service';
import { pruneWebhookDeliveries } from '../modules/webhook/webhook.service';
import { pruneRateLimitWindows } from './rate-limit';

interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Periodic upkeep, run by every API process: each job is safe to run in several processes at
 * once (deleting what another deleted, or closing a vote another process is closing, skips).
 */
export function startJobs(config: Config, database: Database): () => void {
  const jobs: Job[] = [
    { name: 'close due owners\' votes', everyMs: 60_000, run: () => closeDueVotes(database.db) },
    { name: 'prune the outbox', everyMs: 3_600_000, run: () => pruneOutbox(database.db, config.eventRetentionMs) },
    { name: 'prune spent rate-limit windows', everyMs: 3_600_000, run: () => pruneRateLimitWindows(database.housekeeping) },
    { name: 'prune finished webhook deliveries', everyMs: 3_600_000, run: () => pruneWebhookDeliveries(database.housekeeping) },
  ];
  const timers = jobs.map((job) => {
    const timer = setInterval(() => {
      job.run().catch((error) => logger.warn({ err: error, job: job.name }, 'periodic job failed; the next run retries'));
    }, job.everyMs);
    timer.unref();
    return timer;
  });
  return () => timers.forEach(clearInterval);
}
