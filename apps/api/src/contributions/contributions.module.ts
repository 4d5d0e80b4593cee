import { Module } from '@nestjs/common';
import { ContributionsController } from './contributions.controller';
import { PayContributionsHandler } from './contributions.handler';

@Module({ controllers: [ContributionsController], providers: [PayContributionsHandler] })
export class ContributionsModule {}
