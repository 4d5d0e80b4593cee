import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WorkerView } from '@app/read-models';
import { assertRegionAccess, ChangeWorkerCommand, CommandContext, EnrolWorkerCommand, GetWorkerQuery, ListWorkersQuery, scopeOfList, toWorkerAnswer } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { CommandCtx } from '../http/command-context';
import { paging } from '../http/paging';
import { ConsistentQuery } from '../http/query-options';
import { CorrectWorkerDto, EnrolWorkerDto, ExitWorkerDto, ReactivateWorkerDto, WorkersQueryDto } from './workers.dto';

@ApiTags('workers')
@ApiBearerAuth()
@Controller('api/v1/workers')
export class WorkersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('operator')
  @ApiOperation({ summary: 'Enrol a worker (operator); the same NIK again while active is a 409' })
  enrol(@Body() body: EnrolWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new EnrolWorkerCommand({ ...body }, context));
  }

  @Post(':workerId/exit')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Record that a worker left: deceased, moved, formal employment, duplicate, other' })
  exit(@Param('workerId') workerId: string, @Body() body: ExitWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ChangeWorkerCommand({ type: 'ExitWorker', workerId, ...body }, context));
  }

  @Post(':workerId/corrections')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: "Correct a worker's name, occupation or region (a new event; nothing is overwritten)" })
  correct(@Param('workerId') workerId: string, @Body() body: CorrectWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ChangeWorkerCommand({ type: 'CorrectWorkerDetails', workerId, ...body }, context));
  }

  @Post(':workerId/reactivation')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Re-activate a lapsed membership (3 unpaid months after a paid one)' })
  reactivate(@Param('workerId') workerId: string, @Body() body: ReactivateWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ChangeWorkerCommand({ type: 'ReactivateWorker', workerId, ...body }, context));
  }

  @Get(':workerId')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One worker: masked NIK, status, paid periods, sponsors, claims' })
  async get(@Param('workerId') workerId: string, @Query() _query: ConsistentQuery, @CurrentUser() user: AuthUser) {
    const worker = (await this.queries.execute(new GetWorkerQuery(workerId))) as WorkerView | undefined;
    if (!worker) throw new NotFoundException(`worker ${workerId} is not known`);
    assertRegionAccess(user, worker.regionCode);
    return toWorkerAnswer(worker);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Workers of a region (descendants included), paged; never a full NIK' })
  list(@Query() query: WorkersQueryDto, @CurrentUser() user: AuthUser) {
    const { page, pageSize } = paging(query);
    return this.queries.execute(new ListWorkersQuery(scopeOfList(user, query.regionCode), { status: query.status, allocationId: query.allocationId }, page, pageSize));
  }
}
