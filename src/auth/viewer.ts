import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { DEFAULT_TOKEN_PARTY, type Config } from '../config';
import { unauthenticated } from '../graphql/errors';
import { fromGlobalId, toGlobalId } from '../graphql/ids';
import { logger } from '../logger';
import { Role, UNIT_TYPES_OF_ROLE, type UnitType } from './roles';
import type { ApiKeyTopic } from './topics';

export interface Unit {
  type: UnitType;
  key: number;
}

/** Who is asking, resolved once per request or WebSocket connection. */
export interface Viewer {
  /** The token's `sub` (`apikey:<id>` for an integrator's key); null without a token. */
  subject: string | null;
  role: Role | null;
  /** The subtree this viewer may see; null for a city-wide administrator or key, and for anonymous viewers. */
  unit: Unit | null;
  /** The topics of an integrator's key; absent or null for people. */
  topics?: readonly ApiKeyTopic[] | null;
  /** When the token or key stops being valid (a WebSocket is closed then); absent or null when it never does. */
  expiresAt?: Date | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ subject: null, role: null, unit: null, topics: null, expiresAt: null });

export function isAuthenticated(viewer: Viewer): viewer is Viewer & { subject: string; role: Role } {
  return viewer.role !== null;
}

const SYMMETRIC = 'HS256';
/** What an identity provider's JWKS may sign with; never `none`, never HS256 (its public key is no secret). */
const ASYMMETRIC = ['RS256', 'ES256'];
/** How far ahead of this server's clock a token's issuer's clock may run. */
const MAX_CLOCK_SKEW_SECONDS = 60;
const ALL_UNIT_TYPES: UnitType[] = ['District', 'Street', 'Community', 'Grid', 'Household', 'Department', 'Compound', 'PropertyCompany', 'PartyMember', 'Volunteer', 'Merchant'];

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A unit given as a global ID, checked against what a role's credential may name; a sentence on failure. */
export function unitOfRole(role: Role, unitId: string | null | undefined): { unit: Unit | null } | { problem: string } {
  let unit: Unit | null = null;
  if (unitId !== undefined && unitId !== null) {
    const id = fromGlobalId(unitId, ALL_UNIT_TYPES);
    if (!id) return { problem: 'The unit is not the ID of a unit a credential may name.' };
    unit = { type: id.type as UnitType, key: id.key };
  }
  if (!UNIT_TYPES_OF_ROLE[role].includes(unit?.type ?? null)) {
    return { problem: `A ${role}'s unit must be: ${UNIT_TYPES_OF_ROLE[role].map((t) => t ?? 'none').join(' or ')}.` };
  }
  return { unit };
}

/** The viewer a verified token's claims describe. Integrators hold API keys, never tokens: their topics live with the key. */
function viewerOfClaims(claims: JWTPayload & { role?: unknown; unit?: unknown }): Viewer {
  const { sub, role, unit, exp } = claims;
  if (typeof sub !== 'string' || sub === '') throw unauthenticated('The token has no `sub` claim.');
  if (typeof role !== 'string' || !(role in Role) || role === Role.INTEGRATOR) {
    throw unauthenticated(`The token's role "${String(role).slice(0, 40)}" is not a role a token may carry.`);
  }
  if (unit !== undefined && unit !== null && typeof unit !== 'string') throw unauthenticated('The token\'s `unit` claim must be a global ID.');
  const checked = unitOfRole(role as Role, unit);
  if ('problem' in checked) throw unauthenticated(`The token's unit does not fit its role. ${checked.problem}`);
  return { subject: sub, role: role as Role, unit: checked.unit, topics: null, expiresAt: exp === undefined ? null : new Date(exp * 1000) };
}

export type TokenVerifier = (token: string) => Promise<Viewer>;

/**
 * Verifies tokens as the config says, built once per process: HS256 with JWT_SECRET, RS256
 * and ES256 against the JWKS at JWKS_URL (fetched and cached by jose). The header's `alg`
 * picks the key, and each key is used only with its own algorithms, so an RS256 public key
 * can never be mistaken for an HS256 secret. Expiry, issuer and audience are always checked,
 * and a token issued (`iat`) more than a minute in the future is refused.
 */
export function createTokenVerifier(config: Pick<Config, 'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'jwtAudience'>): TokenVerifier {
  const secret = config.jwtSecret === null ? null : secretKey(config.jwtSecret);
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : null;
  const checks = { issuer: config.jwtIssuer, audience: config.jwtAudience, requiredClaims: ['exp'] };
  return async (token) => {
    let alg: string | undefined;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch {
      throw unauthenticated('The token is not a JWT.');
    }
    const usesSecret = secret !== null && alg === SYMMETRIC;
    if (!usesSecret && !(jwks && alg !== undefined && ASYMMETRIC.includes(alg))) {
      throw unauthenticated(`This API accepts tokens signed with ${[...(secret ? [SYMMETRIC] : []), ...(jwks ? ASYMMETRIC : [])].join(', ')} only.`);
    }
    let claims: JWTPayload;
    try {
      ({ payload: claims } = usesSecret
        ? await jwtVerify(token, secret, { ...checks, algorithms: [SYMMETRIC] })
        : await jwtVerify(token, jwks!, { ...checks, algorithms: ASYMMETRIC }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated('The token has expired.');
      if (error instanceof errors.JWTClaimValidationFailed) throw unauthenticated(`The token's \`${error.claim}\` claim is missing or not accepted here.`);
      // Not the token's fault: the identity provider is unreachable or answered nonsense.
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout) logger.warn({ err: error }, 'the JWKS could not be fetched');
      throw unauthenticated('The token is invalid.');
    }
    // jose checks `iat` only against a maximum age. A token stamped as issued later than now comes from a wrong clock or was made in advance.
    if (claims.iat !== undefined && claims.iat > Date.now() / 1000 + MAX_CLOCK_SKEW_SECONDS) {
      throw unauthenticated(`The token's \`iat\` claim lies in the future, more than ${MAX_CLOCK_SKEW_SECONDS} s ahead of this server's clock.`);
    }
    return viewerOfClaims(claims);
  };
}

export interface TokenClaims {
  sub: string;
  role: Role;
  unit?: Unit;
}

export interface IssueOptions {
  /** A jose time span, e.g. "8h", "30d". */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/** An HS256 token for a person, with the issuer and audience this API checks (defaults: those of the default config). */
export function issueToken(claims: TokenClaims, secret: string, options: IssueOptions = {}): Promise<string> {
  const { expiresIn = '30d', issuer = DEFAULT_TOKEN_PARTY, audience = DEFAULT_TOKEN_PARTY } = options;
  return new SignJWT({ role: claims.role, ...(claims.unit ? { unit: toGlobalId(claims.unit.type, claims.unit.key) } : {}) })
    .setProtectedHeader({ alg: SYMMETRIC })
    .setSubject(claims.sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secretKey(secret));
}
