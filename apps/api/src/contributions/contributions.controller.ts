import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandContext, PayContributionsCommand } from '@app/ledger';
import { Roles } from '../auth/decorators';
import { CommandCtx } from '../http/command-context';
import { PayContributionsDto } from './contributions.dto';
import { BatchAnswerDto } from '../openapi/answers';
import { ApiCommand } from '../openapi/decorators';

@ApiTags('contributions')
@ApiBearerAuth()
@Controller('api/v1/contributions')
export class ContributionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('operator')
  @ApiOperation({
    summary: "Pay one month's contributions from an allocation: all eligible workers, or none (422 with the shortfall)",
  })
  @ApiCommand({ type: BatchAnswerDto, status: 201, errors: [404, 409, 422] })
  pay(@Body() body: PayContributionsDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new PayContributionsCommand({ ...body }, context));
  }
}
