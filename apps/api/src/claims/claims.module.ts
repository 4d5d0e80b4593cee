import { Module } from '@nestjs/common';
import { ClaimsController } from './claims.controller';
import { ClaimHandler, ListClaimsHandler } from './claims.handlers';

@Module({ controllers: [ClaimsController], providers: [ClaimHandler, ListClaimsHandler] })
export class ClaimsModule {}
