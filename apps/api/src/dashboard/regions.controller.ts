import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { childrenOf, COUNTRY, findRegion, RegionLevel } from '@app/domain';
import { assertRegionAccess } from '@app/ledger';
import { CurrentUser, Roles } from '../auth/decorators';
import { READERS } from '../auth/roles';
import type { AuthUser } from '../auth/user';
import { ConsistentQuery } from '../http/query-options';
import { IsRegionCode } from '../http/validators';
import { ApiProblems } from '../openapi/decorators';

/** The tree the dashboard offers stops at regencies and cities (its figures' children are districts). */
const TREE_LEVELS: RegionLevel[] = ['country', 'province', 'regency'];
const BRANCHES: RegionLevel[] = ['country', 'province'];

export class RegionsQueryDto extends ConsistentQuery {
  @ApiPropertyOptional({
    example: '53',
    description: 'The region whose children are listed. Omitted: the caller’s own regions (the roots of their tree).',
  })
  @IsOptional()
  @IsRegionCode()
  parent?: string;
}

export interface RegionItem {
  code: string;
  name: string;
  level: RegionLevel;
  /** True when the tree goes on below this region (the country and provinces). */
  hasChildren: boolean;
}

export class RegionItemDto implements RegionItem {
  @ApiProperty({ example: '53.03' })
  code!: string;

  @ApiProperty({ example: 'Timor Tengah Utara' })
  name!: string;

  @ApiProperty({ enum: ['country', 'province', 'regency', 'district', 'village'], example: 'regency' })
  level!: RegionLevel;

  @ApiProperty({ example: false, description: 'True when the tree goes on below this region' })
  hasChildren!: boolean;
}

export class RegionsAnswerDto {
  @ApiProperty({ nullable: true, type: String, example: '53', description: 'The region whose children these are; null for the roots' })
  parent!: string | null;

  @ApiProperty({ type: [RegionItemDto] })
  items!: RegionItemDto[];
}

function item(code: string): RegionItem {
  const region = findRegion(code)!;
  return { code, name: region.name, level: region.level, hasChildren: BRANCHES.includes(region.level) };
}

/**
 * Kemendagri's provinces and regencies as a tree for the dashboard, children on demand: the roots are
 * the caller's own regions, and a region outside them answers 403 like every other query.
 */
@ApiTags('regions')
@ApiBearerAuth()
@Controller('api/v1/regions')
export class RegionsController {
  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Provinces and regencies/cities as a tree, children on demand (`parent`); without `parent` the caller’s own regions',
  })
  @ApiOkResponse({ type: RegionsAnswerDto })
  @ApiProblems(400, 401, 403, 503)
  list(@Query() query: RegionsQueryDto, @CurrentUser() user: AuthUser): RegionsAnswerDto {
    if (query.parent === undefined) {
      const roots = user.regions.includes(COUNTRY) ? [COUNTRY] : user.regions.filter((code) => findRegion(code) !== undefined);
      return { parent: null, items: roots.map(item) };
    }
    assertRegionAccess(user, query.parent);
    const parent = findRegion(query.parent)!;
    const items = BRANCHES.includes(parent.level)
      ? childrenOf(parent.code)
          .filter((c) => TREE_LEVELS.includes(findRegion(c)!.level))
          .map(item)
      : [];
    items.sort((a, b) => a.code.localeCompare(b.code));
    return { parent: parent.code, items };
  }
}
