import { Module } from '@nestjs/common';
import { FundingController } from './funding.controller';
import { AllocateFundingHandler, ReviseFundingHandler } from './funding.handlers';
import { GetFundingHandler } from './funding.queries';

@Module({
  controllers: [FundingController],
  providers: [AllocateFundingHandler, ReviseFundingHandler, GetFundingHandler],
})
export class FundingModule {}
