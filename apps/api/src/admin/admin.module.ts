import { Module } from '@nestjs/common';
import { AdminController, JobsController } from './admin.controller';

@Module({ controllers: [AdminController, JobsController] })
export class AdminModule {}
