import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** Accepted by every query: read your own writes. */
export class ConsistentQuery {
  @ApiPropertyOptional({
    description: 'A `position` returned by a command: the answer waits (up to 5 s) until the read models include it.',
  })
  @IsOptional()
  @IsString()
  consistentWith?: string;
}
