import { Body, Controller, ForbiddenException, Get, Header, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ChangeWorkerCommand,
  CommandContext,
  EnrolWorkerCommand,
  EraseWorkerCommand,
  FindWorkerByNikQuery,
  ListWorkersQuery,
  PersonalReader,
  personalDataRoleOf,
  scopeOfList,
  ShowWorkerQuery,
} from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { CommandCtx } from '../http/command-context';
import { paging } from '../http/paging';
import { ConsistentQuery } from '../http/query-options';
import { CorrectWorkerDto, EnrolWorkerDto, ExitWorkerDto, ReactivateWorkerDto } from './workers.dto';
import { EraseWorkerDto, WorkersSearchDto } from './erasure.dto';
import { WorkerCommandAnswerDto, WorkerDetailDto, WorkersPageDto } from '../openapi/answers';
import { ApiCommand, ApiQueryAnswer } from '../openapi/decorators';

/** The reader as the personal-data queries see them: every role of the token counts. */
const readerOf = (user: AuthUser): PersonalReader => ({ userId: user.userId, roles: user.roles, regions: user.regions });

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
  @ApiCommand({ type: WorkerCommandAnswerDto, status: 201, errors: [404, 409, 422] })
  enrol(@Body() body: EnrolWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new EnrolWorkerCommand({ ...body }, context));
  }

  @Post(':workerId/exit')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Record that a worker left: deceased, moved, formal employment, duplicate, other' })
  @ApiCommand({ type: WorkerCommandAnswerDto, status: 200, errors: [404, 409, 422] })
  exit(@Param('workerId') workerId: string, @Body() body: ExitWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ChangeWorkerCommand({ type: 'ExitWorker', workerId, ...body }, context));
  }

  @Post(':workerId/corrections')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: "Correct a worker's name, occupation or region (a new event; nothing is overwritten)" })
  @ApiCommand({ type: WorkerCommandAnswerDto, status: 200, errors: [404, 409, 422] })
  correct(@Param('workerId') workerId: string, @Body() body: CorrectWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ChangeWorkerCommand({ type: 'CorrectWorkerDetails', workerId, ...body }, context));
  }

  @Post(':workerId/reactivation')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({ summary: 'Re-activate a lapsed membership (3 unpaid months after a paid one)' })
  @ApiCommand({ type: WorkerCommandAnswerDto, status: 200, errors: [404, 409, 422] })
  reactivate(@Param('workerId') workerId: string, @Body() body: ReactivateWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new ChangeWorkerCommand({ type: 'ReactivateWorker', workerId, ...body }, context));
  }

  @Post(':workerId/erasure')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      "Erase a worker's personal data (admin): PersonalDataErased, then the worker's data key destroyed; NIK, name, birth date and claim descriptions can never be read again, counts and amounts stay",
  })
  @ApiCommand({ type: WorkerCommandAnswerDto, status: 200, errors: [404, 409, 422] })
  erase(@Param('workerId') workerId: string, @Body() body: EraseWorkerDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new EraseWorkerCommand({ workerId, ...body }, context));
  }

  @Get(':workerId')
  @Roles(...READERS)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'One worker: masked NIK, status, paid periods, sponsors, claims; fullName and birthDate for operators and auditors (each read in the access log; null after erasure)',
  })
  @ApiQueryAnswer({ type: WorkerDetailDto, errors: [404] })
  async get(@Param('workerId') workerId: string, @Query() _query: ConsistentQuery, @CurrentUser() user: AuthUser) {
    const worker = await this.queries.execute(new ShowWorkerQuery(workerId, readerOf(user)));
    // A worker outside the caller's regions answers exactly as an unknown one (api.md).
    if (!worker) throw new NotFoundException(`worker ${workerId} is not known`);
    return worker;
  }

  @Get()
  @Roles(...READERS)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Workers of a region (descendants included), paged; never a full NIK. `nik=`: the worker with exactly that NIK (operators and auditors; the search is in the access log, the NIK is neither stored nor logged; other filters are ignored)',
  })
  @ApiQueryAnswer({ type: WorkersPageDto })
  list(@Query() query: WorkersSearchDto, @CurrentUser() user: AuthUser) {
    const { page, pageSize } = paging(query);
    if (query.nik !== undefined) {
      if (!personalDataRoleOf(user)) throw new ForbiddenException('searching by NIK needs one of the roles: operator, auditor');
      return this.queries.execute(new FindWorkerByNikQuery(query.nik, readerOf(user), page, pageSize));
    }
    return this.queries.execute(
      new ListWorkersQuery(
        scopeOfList(user, query.regionCode),
        { status: query.status, allocationId: query.allocationId },
        page,
        pageSize,
        query.cursor,
      ),
    );
  }
}
