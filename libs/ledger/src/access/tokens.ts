import { JwtService } from '@nestjs/jwt';
import type { TokenClaims } from './roles';

/** Mints an HS256 bearer token (used by the CLI and for the start-up admin token). */
export function mintToken(secret: string, claims: TokenClaims, expiresIn: number | `${number}${'s' | 'm' | 'h' | 'd'}` = '12h'): string {
  return new JwtService({ secret, signOptions: { algorithm: 'HS256', expiresIn } }).sign({ ...claims });
}
