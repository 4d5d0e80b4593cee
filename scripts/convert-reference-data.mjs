// Converts the official reference data (shared/data) into the compact JSON the project ships.
// Run by hand when the source changes: node scripts/convert-reference-data.mjs ../shared/data
// The project never reads shared/ at run time or in tests.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const source = process.argv[2] ?? '../shared/data';
const out = 'libs/domain/src/reference/data';
const attribution =
  'Kepmendagri No 300.2.2-2138 Tahun 2025, as compiled in the public cahyadsn/wilayah dataset (db/wilayah.sql, db/wilayah_penduduk.sql), MIT licence, (c) cahya dsn';

const regions = parse(readFileSync(join(source, 'regions-kepmendagri-2025.csv')), { columns: true, skip_empty_lines: true });
writeFileSync(join(out, 'regions-kepmendagri-2025.json'), JSON.stringify({ attribution, regions: regions.map((r) => [r.code, r.name]) }));

const population = parse(readFileSync(join(source, 'population-2025.csv')), { columns: true, skip_empty_lines: true });
writeFileSync(
  join(out, 'population-2025.json'),
  JSON.stringify({
    attribution,
    population: Object.fromEntries(
      population.map((p) => [p.code === '0' ? 'ID' : p.code, [Number(p.male), Number(p.female), Number(p.total)]]),
    ),
  }),
);
console.log(`${regions.length} regions, ${population.length} population rows`);
