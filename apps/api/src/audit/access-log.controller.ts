import { Controller, Get, Header, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidInput, isDate } from '@app/domain';
import { AccessLogQuery } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import type { AuthUser } from '../auth/user';
import { AccessLogQueryDto } from './access-log.dto';
import { AccessLogAnswerDto } from '../openapi/answers';
import { ApiQueryAnswer } from '../openapi/decorators';

function instant(value: string | undefined, field: string, endOfDay: boolean): string | undefined {
  if (value === undefined) return undefined;
  const t = isDate(value) ? Date.parse(`${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`) : Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidInput([{ field, message: 'must be a real date or instant' }]);
  return new Date(t).toISOString();
}

/** Who read a person's name or birth date, or searched by NIK, and when (api.md 1.1): for auditors. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit/access-log')
export class AccessLogController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles('auditor')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Reads of personal data and NIK searches: who, which worker, when, which fields; never the data or the NIK (auditor; at most 1000, oldest first)',
  })
  @ApiQueryAnswer({ type: AccessLogAnswerDto })
  async list(@Query() query: AccessLogQueryDto, @CurrentUser() user: AuthUser) {
    const from = instant(query.from, 'from', false);
    const to = instant(query.to, 'to', true);
    if (from !== undefined && to !== undefined && from > to) throw new InvalidInput([{ field: 'to', message: 'must not be before from' }]);
    return this.queries.execute(
      new AccessLogQuery({ workerId: query.workerId, userId: query.userId, from, to }, { regions: user.regions }),
    );
  }
}
