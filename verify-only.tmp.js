require('/work/main/register-paths.js');
require('/work/main/node_modules/reflect-metadata');
const { createLedgerContext, loadLedgerConfig, AuditService } = require('@app/ledger');
const Database = require('/work/main/node_modules/better-sqlite3'); const crypto = require('crypto');
(async () => {
  const dataDir = process.argv[2];
  const app = await createLedgerContext(loadLedgerConfig({ DATA_DIR: dataDir, RUN_PROJECTOR: 'false' }));
  let t = performance.now();
  const v = await app.get(AuditService).verify(process.env.W ? { workers: Number(process.env.W) } : undefined);
  const ms = performance.now() - t;
  await app.close();
  const db = new Database(dataDir + '/ledger.sqlite', { readonly: true });
  t = performance.now(); let rows = 0;
  for (const [d, m] of db.prepare('SELECT data, metadata FROM events ORDER BY position').raw().iterate()) { crypto.hash('sha256', d + m, 'buffer'); rows++; }
  const fms = performance.now() - t;
  console.log(JSON.stringify({ ok: v.ok, events: v.checkedEvents, verifyS: ms / 1000, rate: Math.round(v.checkedEvents / ms * 1000), floorRate: Math.round(rows / fms * 1000), ofFloor: +((v.checkedEvents / ms) / (rows / fms)).toFixed(3) }));
})();
