/**
 * The databases of one test run on a server start with this prefix, the run's own, so that
 * two suites on the same server neither share a template nor drop each other's copies.
 */
export const runPrefix = (pid: number) => `gridgov_test_${pid}`;
export const templateOf = (prefix: string) => `${prefix}_template`;

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
