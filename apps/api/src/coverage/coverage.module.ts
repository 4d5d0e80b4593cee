import { Module } from '@nestjs/common';
import { CoverageController, EstimateWorkforceHandler, GetCoverageHandler } from './coverage';

@Module({ controllers: [CoverageController], providers: [GetCoverageHandler, EstimateWorkforceHandler] })
export class CoverageModule {}
