import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  OnApplicationShutdown,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { isKnownRegion } from '@app/domain';
import { APP_CONFIG, AppConfig } from '../config';
import { TooManyRequestsException } from '../http/problem';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import { RateLimits } from './rate-limits';
import { TokenRefused, TokenVerifier } from './token-verifier';
import { AuthUser, Role, ROLES } from './user';

const SUB = /^[\x21-\x7e]{1,200}$/;
const ENROLMENT = /^\/api\/v1\/workers\/?$/;

/** The request as the guard leaves it: the caller, and the limits the problem filter counts refusals against. */
export type GuardedRequest = Request & { user?: AuthUser; rateLimits?: RateLimits };

/**
 * Every endpoint needs a valid bearer token and one of its roles, unless marked @Public. Commands
 * (POST) are rate-limited per user (429 with Retry-After); a user who was told too often that a NIK
 * is already enrolled may not enrol for a while.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate, OnApplicationShutdown {
  private readonly tokens: TokenVerifier;
  private readonly limits: RateLimits;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.tokens = new TokenVerifier(config);
    this.limits = new RateLimits(config.commandRateLimit, config.duplicateNikLimit);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const user = await this.authenticate(request.headers.authorization);
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    const actingRole = allowed.find((r) => user.roles.includes(r));
    if (!actingRole) throw new ForbiddenException(`this needs one of the roles: ${allowed.join(', ')}`);
    request.user = { ...user, actingRole };
    request.rateLimits = this.limits;
    if (request.method === 'POST') {
      const verdict = await this.limits.command(user.userId);
      if (!verdict.allowed)
        throw new TooManyRequestsException(verdict.retryAfterSeconds, 'too many commands from this user; try again later');
      if (ENROLMENT.test(request.path)) {
        const nik = this.limits.duplicateNik(user.userId);
        if (!nik.allowed)
          throw new TooManyRequestsException(
            nik.retryAfterSeconds,
            'too many enrolments of NIKs already enrolled from this user; try again later',
          );
      }
    }
    return true;
  }

  onApplicationShutdown(): void {
    this.limits.close();
  }

  private async authenticate(header: string | undefined): Promise<Omit<AuthUser, 'actingRole'>> {
    const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    if (!token) throw new UnauthorizedException('a bearer token is required');
    let claims: Record<string, unknown>;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof TokenRefused) throw new UnauthorizedException(error.message);
      throw new UnauthorizedException('the bearer token is not valid');
    }
    const { sub, roles, regions } = claims;
    const validRoles =
      Array.isArray(roles) && roles.length <= ROLES.length && roles.every((r) => (ROLES as readonly unknown[]).includes(r));
    const validRegions =
      Array.isArray(regions) && regions.length <= 1000 && regions.every((r) => typeof r === 'string' && isKnownRegion(r));
    if (typeof sub !== 'string' || !SUB.test(sub) || !validRoles || !validRegions) {
      throw new UnauthorizedException('the token needs sub, roles (known roles) and regions (known region codes)');
    }
    return { userId: sub, roles: roles as Role[], regions: regions as string[] };
  }
}
