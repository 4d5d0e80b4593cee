import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { FindingsController } from './findings.controller';

@Module({ controllers: [AuditController, FindingsController] })
export class AuditModule {}
