import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvalidInput, isDate } from '@app/domain';
import { EventStore } from '@app/event-store';
import { AuditService, RAW_EVENT_STORE, SealerError, SealerService, StoredCheckpoint } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import type { AuthUser } from '../auth/user';
import { callerOf } from '../http/command-context';
import { CheckpointsQueryDto, ConsistencyQueryDto, HistoryQueryDto, InclusionQueryDto, NoQueryDto } from './audit.dto';
import {
  AllocationHistoryDto,
  CheckpointDto,
  CheckpointsAnswerDto,
  ConsistencyProofDto,
  InclusionProofDto,
  StreamAnswerDto,
  VerificationAnswerDto,
} from '../openapi/answers';
import { ApiIdempotencyKey, ApiProblems, ApiQueryAnswer } from '../openapi/decorators';

const STREAM_NAME = /^[A-Za-z][\w.:-]{0,249}$/;
const ALLOCATION_ID = /^[\w-]{1,100}$/;
const MAX_CHECKPOINTS = 1000;

const hex = (b: Buffer) => b.toString('hex');

/** A checkpoint as the API shows it (api.md "Audit formats"). */
function shown(c: StoredCheckpoint) {
  return { treeSize: c.treeSize, rootHash: c.rootHash, position: c.position, recordedAt: c.recordedAt, note: c.note };
}

function instant(value: string | undefined, field: string, endOfDay: boolean): string | undefined {
  if (value === undefined) return undefined;
  const t = isDate(value) ? Date.parse(`${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`) : Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidInput([{ field, message: 'must be a real date or instant' }]);
  return new Date(t).toISOString();
}

async function asInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SealerError) throw new InvalidInput([{ field: error.field, message: error.message }]);
    throw error;
  }
}

/**
 * Audit and verification (api.md "Audit and oversight"), for auditors: a stream's stored events,
 * an allocation's history, verification of the whole ledger, signed checkpoints and RFC 9162 proofs.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly sealing: SealerService,
    @Inject(RAW_EVENT_STORE) private readonly raw: EventStore,
  ) {}

  @Get('streams/:streamName')
  @Roles('auditor')
  @ApiOperation({ summary: 'Every event of a stream in order, as stored (hash chain included), personal data masked (auditor)' })
  @ApiQueryAnswer({ type: StreamAnswerDto, errors: [404] })
  async stream(@Param('streamName') streamName: string, @Query() _query: NoQueryDto, @CurrentUser() user: AuthUser) {
    if (!STREAM_NAME.test(streamName))
      throw new InvalidInput([{ field: 'streamName', message: 'must be a stream name such as allocation-<id> or worker-<id>' }]);
    return this.audit.stream(streamName, callerOf(user));
  }

  @Get('allocations/:allocationId/history')
  @Roles('auditor')
  @ApiOperation({ summary: "An allocation's funding history with the balance after each event and who acted (auditor)" })
  @ApiQueryAnswer({ type: AllocationHistoryDto, errors: [404, 422] })
  async history(@Param('allocationId') allocationId: string, @Query() query: HistoryQueryDto, @CurrentUser() user: AuthUser) {
    if (!ALLOCATION_ID.test(allocationId)) throw new InvalidInput([{ field: 'allocationId', message: 'must be an allocation id' }]);
    return this.audit.allocationHistory(allocationId, query.asOf, callerOf(user));
  }

  @Post('verify')
  @HttpCode(200)
  @Roles('auditor')
  @ApiOperation({ summary: "Recompute every event's hash chain and the ledger digest; name the first mismatch (auditor)" })
  @ApiIdempotencyKey('Accepted and ignored: verification appends nothing, so every call is safe to repeat')
  @ApiOkResponse({ type: VerificationAnswerDto, description: 'The verification, ok or not' })
  @ApiProblems(401, 403, 429)
  async verify() {
    const r = await this.audit.verify();
    const answer: Record<string, unknown> = {
      ok: r.ok,
      checkedEvents: r.checkedEvents,
      lastPosition: r.lastPosition,
      treeSize: r.treeSize,
      rootHash: r.rootHash,
    };
    if (r.firstMismatch) answer.firstMismatch = r.firstMismatch;
    if (r.sealed) answer.sealed = r.sealed;
    if (r.checkpoint) answer.checkpoint = r.checkpoint;
    answer.verifiedAt = r.verifiedAt;
    return answer;
  }

  @Get('checkpoints/latest')
  @Roles('auditor')
  @ApiOperation({ summary: 'The signed checkpoint of the largest tree size (C2SP signed note) (auditor)' })
  @ApiQueryAnswer({ type: CheckpointDto })
  async latest(@Query() _query: NoQueryDto) {
    const c = (await this.sealing.sealer.latestCheckpoint()) ?? (await this.sealing.sealNow());
    return shown(c);
  }

  @Get('checkpoints')
  @Roles('auditor')
  @ApiOperation({ summary: 'The checkpoints signed in a time range, in tree size order (at most 1000) (auditor)' })
  @ApiQueryAnswer({ type: CheckpointsAnswerDto })
  async checkpoints(@Query() query: CheckpointsQueryDto) {
    const from = instant(query.from, 'from', false);
    const to = instant(query.to, 'to', true);
    if (from !== undefined && to !== undefined && from > to) throw new InvalidInput([{ field: 'to', message: 'must not be before from' }]);
    const items = await this.sealing.sealer.checkpoints({ from, to, limit: MAX_CHECKPOINTS });
    return { items: items.map(shown) };
  }

  @Get('proofs/inclusion')
  @Roles('auditor')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of the event at a position in the tree of a size (auditor)' })
  @ApiQueryAnswer({ type: InclusionProofDto, errors: [404] })
  async inclusion(@Query() query: InclusionQueryDto) {
    if (!this.raw.isPosition(query.position)) throw new InvalidInput([{ field: 'position', message: 'must be a ledger position' }]);
    const sealer = this.sealing.sealer;
    let index = await sealer.leafIndexOf(query.position);
    if (index === undefined) {
      await sealer.catchUp();
      index = await sealer.leafIndexOf(query.position);
    }
    if (index === undefined) throw new NotFoundException(`no event at position ${query.position}`);
    let treeSize: number;
    if (query.treeSize !== undefined) {
      treeSize = Number(query.treeSize);
    } else {
      const latest = await sealer.latestCheckpoint();
      treeSize = latest && latest.treeSize > index ? latest.treeSize : (await this.sealing.sealNow()).treeSize;
    }
    const leafIndex = index;
    const proof = await asInput(() => sealer.inclusionProof(leafIndex, treeSize));
    return { leafIndex, treeSize, leafHash: hex(proof.leafHash), path: proof.path.map(hex), rootHash: hex(proof.rootHash) };
  }

  @Get('proofs/consistency')
  @Roles('auditor')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes (auditor)' })
  @ApiQueryAnswer({ type: ConsistencyProofDto })
  async consistency(@Query() query: ConsistencyQueryDto) {
    const from = Number(query.from);
    const to = Number(query.to);
    const proof = await asInput(() => this.sealing.sealer.consistencyProof(from, to));
    return { from, to, path: proof.path.map(hex), fromRootHash: hex(proof.fromRoot), toRootHash: hex(proof.toRoot) };
  }
}
