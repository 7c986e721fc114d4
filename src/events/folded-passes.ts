import { logger } from '../logger';

/**
 * A pass of work that runs one at a time: a call while one runs asks for one more pass after it
 * and shares its promise, so a burst of wake-ups (notifications, polls, events) costs at most
 * two passes. A failed pass is logged and left to the next call.
 */
export class FoldedPasses {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly pass: () => Promise<void>, private readonly failureMessage: string) {}

  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped);
      } catch (error) {
        logger.warn({ err: error }, this.failureMessage);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** No pass starts after this; resolves once the running one has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
