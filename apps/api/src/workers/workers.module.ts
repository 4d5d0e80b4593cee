import { Module } from '@nestjs/common';
import { WorkerIds } from './worker-ids';
import { WorkersController } from './workers.controller';
import { ChangeWorkerHandler, EnrolWorkerHandler } from './workers.handlers';
import { GetWorkerHandler, ListWorkersHandler } from './workers.queries';

@Module({
  controllers: [WorkersController],
  providers: [WorkerIds, EnrolWorkerHandler, ChangeWorkerHandler, GetWorkerHandler, ListWorkersHandler],
})
export class WorkersModule {}
