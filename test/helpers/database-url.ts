export const TEMPLATE_DATABASE = 'gridgov_test_template';

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
