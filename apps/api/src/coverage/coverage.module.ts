import { Module } from '@nestjs/common';
import { CoverageController } from './coverage.controller';
import { GetCoverageHandler } from './coverage.queries';
import { EstimateWorkforceHandler } from './workforce.handler';

@Module({ controllers: [CoverageController], providers: [GetCoverageHandler, EstimateWorkforceHandler] })
export class CoverageModule {}
