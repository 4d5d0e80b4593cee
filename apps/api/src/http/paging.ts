import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ConsistentQuery } from './query-options';

export const MAX_PAGE_SIZE = 500;

/** `page` (from 1) and `pageSize` (1 to 500, default 50), as query strings. */
export class PageQuery extends ConsistentQuery {
  @ApiPropertyOptional({ example: '1' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,6}$/, { message: 'page must be a whole number from 1' })
  page?: string;

  @ApiPropertyOptional({ example: '50' })
  @IsOptional()
  @Matches(/^([1-9]\d?|[1-4]\d\d|500)$/, { message: `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
  pageSize?: string;
}

export function paging(q: PageQuery): { page: number; pageSize: number; skip: number } {
  const page = Number(q.page ?? 1);
  const pageSize = Number(q.pageSize ?? 50);
  return { page, pageSize, skip: (page - 1) * pageSize };
}
