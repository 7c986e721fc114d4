import pino from 'pino';

/** JSON logs. Never log personal data: resident rows, ID numbers and phones stay out of messages. */
export const logger = pino({
  level: process.env.LOG_LEVEL || (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'gridgov' },
});
