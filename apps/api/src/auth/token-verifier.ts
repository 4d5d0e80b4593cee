import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../config';

/** Why a token was refused; its message is safe to answer (it never carries the token). */
export class TokenRefused extends Error {}

const ASYMMETRIC = ['RS256', 'ES256'] as const;
type Asymmetric = (typeof ASYMMETRIC)[number];
const KID = /^[\x21-\x7e]{1,200}$/;
const JWKS_TTL_MS = 10 * 60_000;
/** An unknown kid refetches the key set, at most this often (a key rotation is picked up; a flood of made-up kids is not). */
const JWKS_REFETCH_MS = 30_000;
const JWKS_TIMEOUT_MS = 5_000;
const JWKS_MAX_BYTES = 512 * 1024;

interface Jwk {
  kty?: unknown;
  kid?: unknown;
  use?: unknown;
  alg?: unknown;
  crv?: unknown;
}

/**
 * The keys an OIDC issuer publishes (JWKS), fetched from its URL and cached: at most every 30 s when
 * a token names a kid not seen, else every 10 minutes. Only RSA keys (RS256) and P-256 keys (ES256)
 * for signing are taken.
 */
export class JwksCache {
  private keys = new Map<string, { key: KeyObject; alg: Asymmetric }>();
  private fetchedAt = 0;
  private inFlight?: Promise<void>;

  constructor(private readonly url: string) {}

  async keyFor(kid: string): Promise<{ key: KeyObject; alg: Asymmetric } | undefined> {
    const age = Date.now() - this.fetchedAt;
    if (age > JWKS_TTL_MS || (!this.keys.has(kid) && age > JWKS_REFETCH_MS)) await this.refresh();
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    let body: { keys?: unknown };
    try {
      const response = await fetch(this.url, {
        signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
        redirect: 'error',
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const text = await response.text();
      if (text.length > JWKS_MAX_BYTES) throw new Error('key set too large');
      body = JSON.parse(text) as { keys?: unknown };
    } catch (error) {
      // Keep the keys we had; try again at the next refetch.
      this.fetchedAt = Date.now() - JWKS_TTL_MS + JWKS_REFETCH_MS;
      if (this.keys.size === 0) throw new TokenRefused(`the token issuer's keys cannot be fetched (${(error as Error).message})`);
      return;
    }
    const keys = new Map<string, { key: KeyObject; alg: Asymmetric }>();
    for (const jwk of Array.isArray(body.keys) ? (body.keys as Jwk[]) : []) {
      if (!jwk || typeof jwk !== 'object' || typeof jwk.kid !== 'string' || !KID.test(jwk.kid)) continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      const alg: Asymmetric | undefined = jwk.kty === 'RSA' ? 'RS256' : jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : undefined;
      if (!alg || (jwk.alg !== undefined && jwk.alg !== alg)) continue;
      try {
        const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
        keys.set(jwk.kid, { key, alg });
      } catch {
        // A malformed key is left out.
      }
    }
    this.keys = keys;
    this.fetchedAt = Date.now();
  }
}

function headerOf(token: string): { alg?: unknown; kid?: unknown; typ?: unknown } {
  const part = token.split('.')[0] ?? '';
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object') return parsed as { alg?: unknown; kid?: unknown };
  } catch {
    // below
  }
  throw new TokenRefused('the bearer token is not a JWT');
}

/**
 * Verifies bearer tokens: HS256 with JWT_SECRET (held as a secret KeyObject, so it is never taken
 * for a public key), and/or RS256/ES256 with the keys at JWT_JWKS_URL. Every token must carry `exp`;
 * `iss` and `aud` are checked when configured. The algorithm is the one the key allows, never the
 * one the token asks for.
 */
export class TokenVerifier {
  private readonly jwt = new JwtService({});
  private readonly secret?: KeyObject;
  private readonly jwks?: JwksCache;

  constructor(private readonly config: Pick<AppConfig, 'jwtSecret' | 'jwtJwksUrl' | 'jwtIssuer' | 'jwtAudience'>) {
    if (config.jwtSecret) this.secret = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    if (config.jwtJwksUrl) this.jwks = new JwksCache(config.jwtJwksUrl);
  }

  async verify(token: string): Promise<Record<string, unknown>> {
    if (token.length > 16_384 || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) throw new TokenRefused('the bearer token is not a JWT');
    const header = headerOf(token);
    let key: KeyObject;
    let algorithm: 'HS256' | Asymmetric;
    if (header.alg === 'HS256' && this.secret) {
      key = this.secret;
      algorithm = 'HS256';
    } else if ((ASYMMETRIC as readonly unknown[]).includes(header.alg) && this.jwks) {
      if (typeof header.kid !== 'string' || !KID.test(header.kid)) throw new TokenRefused('the bearer token names no key (kid)');
      const found = await this.jwks.keyFor(header.kid);
      if (!found || found.alg !== header.alg) throw new TokenRefused('the bearer token is signed with a key the issuer does not publish');
      key = found.key;
      algorithm = found.alg;
    } else {
      throw new TokenRefused('the bearer token is signed with an algorithm that is not accepted');
    }
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify<Record<string, unknown>>(token, {
        // jsonwebtoken takes a KeyObject; @nestjs/jwt's types only name strings and buffers.
        secret: key as unknown as string,
        algorithms: [algorithm],
        ...(this.config.jwtIssuer ? { issuer: this.config.jwtIssuer } : {}),
        ...(this.config.jwtAudience ? { audience: this.config.jwtAudience } : {}),
      });
    } catch (error) {
      throw new TokenRefused(`the bearer token is not valid: ${(error as Error).message}`);
    }
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
      throw new TokenRefused('the bearer token must carry exp (an expiry)');
    return claims;
  }
}
