import { jwtVerify, SignJWT } from 'jose';
import { unauthenticated } from '../graphql/errors';
import { fromGlobalId, toGlobalId } from '../graphql/ids';
import { Role, UNIT_TYPES_OF_ROLE, type UnitType } from './roles';

export interface Unit {
  type: UnitType;
  key: number;
}

/** Who is asking, resolved once per request or WebSocket connection. */
export interface Viewer {
  /** The token's `sub`; null without a token. */
  subject: string | null;
  role: Role | null;
  /** The subtree this viewer may see; null for a city-wide administrator and for anonymous viewers. */
  unit: Unit | null;
}

export const ANONYMOUS: Viewer = Object.freeze({ subject: null, role: null, unit: null });

export function isAuthenticated(viewer: Viewer): viewer is Viewer & { subject: string; role: Role } {
  return viewer.role !== null;
}

const ALGORITHM = 'HS256';
const ALL_UNIT_TYPES: UnitType[] = ['District', 'Street', 'Community', 'Grid', 'Household', 'Department', 'Compound', 'PropertyCompany', 'PartyMember', 'Volunteer', 'Merchant'];

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A bearer token, or none; a token that is present but wrong is refused, never ignored. */
export async function viewerFromAuthorization(header: string | undefined | null, secret: string): Promise<Viewer> {
  if (!header) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return viewerFromToken(match[1], secret);
}

export async function viewerFromToken(token: string, secret: string): Promise<Viewer> {
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, secretKey(secret), { algorithms: [ALGORITHM] }));
  } catch {
    throw unauthenticated('The token is invalid or expired.');
  }
  const { sub, role, unit } = claims;
  if (typeof sub !== 'string' || sub === '') throw unauthenticated('The token has no `sub` claim.');
  if (typeof role !== 'string' || !(role in Role)) throw unauthenticated(`The token's role "${String(role)}" is not a role of this API.`);
  const typedRole = role as Role;
  let decoded: Unit | null = null;
  if (unit !== undefined && unit !== null) {
    const id = typeof unit === 'string' ? fromGlobalId(unit, ALL_UNIT_TYPES) : null;
    if (!id) throw unauthenticated('The token\'s `unit` claim is not the ID of a unit a token may name.');
    decoded = { type: id.type as UnitType, key: id.key };
  }
  if (!UNIT_TYPES_OF_ROLE[typedRole].includes(decoded?.type ?? null)) {
    const expected = UNIT_TYPES_OF_ROLE[typedRole].map((t) => t ?? 'none').join(' or ');
    throw unauthenticated(`A ${typedRole} token's unit must be: ${expected}.`);
  }
  return { subject: sub, role: typedRole, unit: decoded };
}

export interface TokenClaims {
  sub: string;
  role: Role;
  unit?: Unit;
}

export function issueToken(claims: TokenClaims, secret: string, expiresIn = '30d'): Promise<string> {
  return new SignJWT({ role: claims.role, ...(claims.unit ? { unit: toGlobalId(claims.unit.type, claims.unit.key) } : {}) })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secretKey(secret));
}
