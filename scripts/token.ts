/**
 * Issues a token for a person on an HS256 deployment:
 * `npm run token -- --role GRID_WORKER --unit <global ID> --sub <subject> [--expires 8h]`.
 * Reads JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE like the server; prints the token alone.
 */
import 'reflect-metadata';
import { TokenCommandError, tokenCommand } from '../src/auth/token-command';
import { loadConfig } from '../src/config';

try {
  process.stdout.write(`${await tokenCommand(process.argv.slice(2), loadConfig())}\n`);
} catch (error) {
  if (!(error instanceof TokenCommandError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 2;
}
