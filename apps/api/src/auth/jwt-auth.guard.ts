import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { isKnownRegion } from '@app/domain';
import { APP_CONFIG, AppConfig } from '../config';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import { AuthUser, Role, ROLES } from './user';

/** Every endpoint needs a valid bearer token and one of its roles, unless marked @Public. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly jwt: JwtService;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.jwt = new JwtService({ secret: config.jwtSecret, verifyOptions: { algorithms: ['HS256'] } });
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const user = this.authenticate(request.headers.authorization);
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    const actingRole = allowed.find((r) => user.roles.includes(r));
    if (!actingRole) throw new ForbiddenException(`this needs one of the roles: ${allowed.join(', ')}`);
    request.user = { ...user, actingRole };
    return true;
  }

  private authenticate(header: string | undefined): Omit<AuthUser, 'actingRole'> {
    const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    if (!token) throw new UnauthorizedException('a bearer token is required');
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify(token);
    } catch (error) {
      throw new UnauthorizedException(`the bearer token is not valid: ${(error as Error).message}`);
    }
    const { sub, roles, regions } = claims;
    const validRoles = Array.isArray(roles) && roles.every((r) => (ROLES as readonly unknown[]).includes(r));
    const validRegions = Array.isArray(regions) && regions.every((r) => typeof r === 'string' && isKnownRegion(r));
    if (typeof sub !== 'string' || !sub || !validRoles || !validRegions) {
      throw new UnauthorizedException('the token needs sub, roles (known roles) and regions (known region codes)');
    }
    return { userId: sub, roles: roles as Role[], regions: regions as string[] };
  }
}
