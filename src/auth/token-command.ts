import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { Role } from './roles';
import { issueToken, unitOfRole } from './viewer';

export const TOKEN_USAGE = 'usage: npm run token -- --role <ROLE> [--unit <global ID>] --sub <subject> [--expires 8h]';

/** Refused input of the token command, worded for the operator at the terminal. */
export class TokenCommandError extends Error {}

/**
 * `npm run token`: an HS256 token for a real person, for deployments without an identity
 * provider. Checks the role and its unit as the API will, so a token that would be refused
 * is never handed out.
 */
export async function tokenCommand(argv: string[], config: Pick<Config, 'jwtSecret' | 'jwtIssuer' | 'jwtAudience'>): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { role: { type: 'string' }, unit: { type: 'string' }, sub: { type: 'string' }, expires: { type: 'string', default: '8h' } },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new TokenCommandError(`${(error as Error).message}\n${TOKEN_USAGE}`);
  }
  if (config.jwtSecret === null) {
    throw new TokenCommandError('This deployment has no JWT_SECRET: its tokens come from the identity provider at JWKS_URL.');
  }
  const people = Object.values(Role).filter((r) => r !== Role.INTEGRATOR);
  if (!values.role || !(people as string[]).includes(values.role)) {
    throw new TokenCommandError(`--role must be one of ${people.join(', ')} (an integrator gets an API key: the apiKeyCreate mutation).\n${TOKEN_USAGE}`);
  }
  const role = values.role as Role;
  if (!values.sub?.trim()) throw new TokenCommandError(`--sub (the person's subject, e.g. their staff number) is required.\n${TOKEN_USAGE}`);
  const checked = unitOfRole(role, values.unit);
  if ('problem' in checked) throw new TokenCommandError(`--unit: ${checked.problem}`);
  if (!/^\d+\s*(s|m|h|d|w)$/.test(values.expires)) throw new TokenCommandError('--expires is a number and a unit: s, m, h, d or w (e.g. 8h, 30d).');
  return issueToken({ sub: values.sub.trim(), role, unit: checked.unit ?? undefined }, config.jwtSecret, {
    expiresIn: values.expires, issuer: config.jwtIssuer, audience: config.jwtAudience,
  });
}
