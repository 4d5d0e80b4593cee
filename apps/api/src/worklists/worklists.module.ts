import { Module } from '@nestjs/common';
import { WorklistsController } from './worklists.controller';

@Module({ controllers: [WorklistsController] })
export class WorklistsModule {}
