import { Module } from '@nestjs/common';
import { ImportRefusalsController, ImportsController } from './imports.controller';

@Module({ controllers: [ImportsController, ImportRefusalsController] })
export class ImportsModule {}
