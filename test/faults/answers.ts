import { INTERNAL_ERROR_MESSAGE } from '../../src/server/format-error';

/** What a client got back, kept whole so a failing case shows it. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Signs of an internal detail: a stack frame, a source path, a SQL statement drizzle wrapped. */
const LEAKS: [string, RegExp][] = [
  ['stack frame', /\n\s+at\s|\bat [^\s()]+ \([^)]*:\d+:\d+\)/],
  ['source path', /\/src\/|node_modules|file:\/\/|\.ts:\d+/],
  ['stacktrace extension', /"stacktrace"/],
  ['SQL of a failed query', /Failed query|\bparams: /],
];

/** Leaks in `text`; a marker the request itself carried may come back in an echo, and does not count. */
export function leaksIn(text: string, request: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(text) && !pattern.test(request)).map(([name]) => name);
}

interface ErrorShape {
  message?: unknown;
  extensions?: { code?: unknown };
}

/** Problems with a list of GraphQL errors: each has a message, and an internal one says only the masked sentence. */
export function errorProblems(errors: unknown): string[] {
  if (!Array.isArray(errors)) return ['`errors` is not a list'];
  const problems: string[] = [];
  for (const error of errors as ErrorShape[]) {
    if (typeof error?.message !== 'string') problems.push('an error without a message');
    if (error?.extensions?.code === 'INTERNAL_SERVER_ERROR' && error.message !== INTERNAL_ERROR_MESSAGE) problems.push(`unmasked internal error: ${String(error.message)}`);
  }
  return problems;
}

/** Everything wrong with one HTTP answer; empty when it is a clean answer of any kind. */
export function answerProblems(answer: Answer, request: string): string[] {
  const problems = leaksIn(answer.text, request).map((leak) => `leaks a ${leak}`);
  if (answer.status >= 500 && answer.status !== 503 && answer.status !== 500) problems.push(`status ${answer.status}`);
  if (!answer.contentType.includes('json')) {
    if (answer.status < 400 || answer.status >= 500) problems.push(`a ${answer.status} answer that is not JSON`);
    return problems;
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [...problems, 'a JSON content type over a body that is not JSON'];
  }
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('data' in body || 'errors' in body)) {
    return [...problems, 'JSON without `data` or `errors`'];
  }
  if ('errors' in body) problems.push(...errorProblems((body as { errors: unknown }).errors));
  return problems;
}

/** A 5xx status over errors that are the client's fault (a refusal answered as a server failure); null when fine. */
export function statusMismatch(answer: Answer): string | null {
  if (answer.status < 500 || !answer.contentType.includes('json')) return null;
  const codes = ((JSON.parse(answer.text) as { errors?: ErrorShape[] }).errors ?? []).map((e) => String(e.extensions?.code));
  const clientFaults = codes.filter((code) => !['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE'].includes(code));
  return clientFaults.length > 0 ? `${answer.status} for ${clientFaults.join(', ')}` : null;
}

/** Codes of the internal errors in an answer, for the run's tally. */
export function internalErrorsIn(text: string): number {
  return (text.match(/"code":"INTERNAL_SERVER_ERROR"/g) ?? []).length;
}
