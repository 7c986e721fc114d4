import { createHash, randomBytes } from 'node:crypto';

/**
 * An integrator's API key: `ggk_<prefix>_<secret>`. The prefix (8 hex characters) is kept
 * in clear so people can tell keys apart in lists; the secret part is 32 base64url characters
 * (192 random bits). Only the SHA-256 of the whole key is stored: a key of this strength
 * needs no slow hash, and a lookup by hash is one index probe.
 */
const KEY_PATTERN = /^ggk_([0-9a-f]{8})_([A-Za-z0-9_-]{32,})$/;

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether a bearer credential is an API key rather than a token (a JWT never starts with `ggk_`). */
export function isApiKey(credential: string): boolean {
  return credential.startsWith('ggk_');
}

export function prefixOf(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(4).toString('hex');
  const key = `ggk_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/**
 * The demo city's integrator key (README): public, so it is refused in production even when
 * the demo city was seeded there.
 */
export const DEMO_API_KEY = 'ggk_de300000_gridgov-demo-integrator-key-not-a-secret';
export const DEMO_API_KEY_HASH = hashApiKey(DEMO_API_KEY);
