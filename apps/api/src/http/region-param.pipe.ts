import { Injectable, NotFoundException, PipeTransform } from '@nestjs/common';
import { InvalidInput, isKnownRegion } from '@app/domain';

const CODE = /^(ID|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$/;

/** A region code in a path: malformed is a 400, well-formed but unknown a 404. */
@Injectable()
export class RegionParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CODE.test(value))
      throw new InvalidInput([{ field: 'regionCode', message: 'must be a Kemendagri region code such as 53.03, or ID' }]);
    if (!isKnownRegion(value)) throw new NotFoundException(`region ${value} is not in the Kemendagri 2025 list`);
    return value;
  }
}
