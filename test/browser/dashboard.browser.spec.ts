import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { addMonths, makeNik, maskNik } from '@app/domain';
import { currentPeriod } from '@app/ledger';
import { startApp, TestApp } from '../support/app';

/**
 * The dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core with its
 * executable path): a real app on the embedded stores listening on a free port, a small NTT scenario
 * loaded over HTTP, then a person's path through the page. The screenshot is kept in test/artefacts/
 * (and written to docs/dashboard.png for the README with UPDATE_DOCS_SCREENSHOT=1).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(__dirname, '..', '..');
const ARTEFACTS = join(ROOT, 'test', 'artefacts');
const WORKER_MONTH = 16_800;
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(`dashboard browser test SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

/** Intl writes "Rp 33.600" with a no-break space; the assertions compare plain spaces. */
const plain = (s: string | null) => (s ?? '').replace(/\u00a0/g, ' ').trim();

(hasChromium ? describe : describe.skip)('dashboard in headless Chromium', () => {
  jest.setTimeout(180_000);
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const failed: string[] = [];

  async function api(path: string, roles: Parameters<TestApp['token']>[0], body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${t.token(roles, ['ID'], 'scenario')}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'apps', 'dashboard', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
    t = await startApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;

    // NTT's province funds three workers in two regencies (TTU 53.03, Kupang 53.01); December 2025 is paid; one claim settled, one waiting.
    const { allocationId } = await api('/api/v1/allocations', ['finance'], {
      regionCode: '53',
      fundingSource: 'APBD_PROVINSI',
      fiscalYear: 2025,
      amount: 100 * WORKER_MONTH,
      targetWorkers: 100,
      programName: 'Perlindungan pekerja rentan NTT',
      legalBasis: 'Pergub NTT (uji)',
      allocatedOn: '2025-07-01',
    });
    await api('/api/v1/regions/53/workforce-estimates', ['admin'], {
      year: 2025,
      informalWorkers: 1_234_567,
      source: 'BPS Sakernas 2025 (uji)',
    });
    await api('/api/v1/regions/53.03/workforce-estimates', ['admin'], {
      year: 2025,
      informalWorkers: 100_000,
      source: 'BPS Sakernas 2025 (uji)',
    });
    const people = [
      { village: '53.03.01.2005', district: '53.03.01', sex: 'M' as const, birthDate: '1985-01-07', fullName: 'Yohanes Taek' },
      { village: '53.03.01.2005', district: '53.03.01', sex: 'F' as const, birthDate: '1990-03-15', fullName: 'Maria Bana' },
      { village: '53.01.04.2003', district: '53.01.04', sex: 'M' as const, birthDate: '1978-11-02', fullName: 'Petrus Lake' },
    ];
    const workerIds: string[] = [];
    for (const [i, p] of people.entries()) {
      const { workerId } = await api('/api/v1/workers', ['operator'], {
        nik: makeNik(p.district, p.birthDate, p.sex, 8100 + i),
        fullName: p.fullName,
        birthDate: p.birthDate,
        sex: p.sex,
        regionCode: p.village,
        occupation: 'PETANI',
        allocationId,
        enrolledOn: '2025-12-01',
      });
      workerIds.push(String(workerId));
    }
    await api('/api/v1/contributions', ['operator'], { allocationId, period: '2025-12', paidOn: '2025-12-10' });
    const { claimId } = await api('/api/v1/claims', ['operator'], {
      workerId: workerIds[0],
      type: 'JKK',
      incidentDate: '2025-12-15',
      description: 'jatuh dari pohon kelapa',
    });
    await api(`/api/v1/claims/${claimId}/settlement`, ['operator'], {
      settledOn: '2025-12-20',
      benefits: [{ kind: 'JKK_MEDICAL', amount: 2_500_000 }],
      paymentReference: 'BPJS-UJI-0001',
    });
    const waiting = await api('/api/v1/claims', ['operator'], {
      workerId: workerIds[2],
      type: 'JKK',
      incidentDate: '2025-12-18',
      description: 'terluka saat melaut',
    });
    // Read our own writes before the browser does.
    await api(`/api/v1/coverage/53?period=2025-12&consistentWith=${waiting.position}`, ['analyst']);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // playwright-core gives every launch a fresh, empty profile (its own user-data-dir).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'id-ID', timezoneId: 'Asia/Makassar' });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the page with a strict CSP and its files from the API', async () => {
    const res = await fetch(`${base}/dashboard/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<style|\sstyle=|https?:\/\//);
    expect((await fetch(`${base}/dashboard/main.mjs`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/dashboard/../package.json`)).status).not.toBe(200);
    expect((await fetch(`${base}/dashboard`, { redirect: 'manual' })).headers.get('location')).toBe('/dashboard/');
  });

  it('signs in, picks NTT, shows the figures, a past asOf, English, and sorts the table', async () => {
    await page.goto(`${base}/dashboard`);
    expect(plain(await page.textContent('h1'))).toBe('Dasbor Jaminan Sosial Pekerja Rentan');
    await page.fill('#token', t.token(['analyst', 'oversight', 'auditor'], ['ID'], 'ana'));
    await page.click('#signin-button');
    await page.locator('#tree .region[data-code="53"]').waitFor();

    await page.fill('#period', '2025-12');
    await page.click('#tree .region[data-code="53"]');
    await page.locator('#card-covered', { hasText: '3' }).waitFor();
    expect(plain(await page.textContent('#region-title'))).toBe('Nusa Tenggara Timur (53)');
    expect(plain(await page.textContent('#card-enrolled'))).toBe('3');
    expect(plain(await page.textContent('#card-allocated'))).toBe('Rp 1.680.000');
    expect(plain(await page.textContent('#card-disbursed'))).toBe('Rp 50.400');
    expect(plain(await page.textContent('#card-workforce'))).toBe('1.234.567');
    expect(plain(await page.textContent('#card-settled'))).toBe('Rp 2.500.000');
    const ttu = page.locator('#children tbody tr[data-code="53.03"]');
    expect(plain(await ttu.textContent())).toContain('Rp 33.600');
    expect(plain(await ttu.locator('td').nth(2).textContent())).toBe('2');
    expect(plain(await page.textContent('#mode-note'))).toMatch(/^Desember 2025 · Angka terkini/);
    expect(await page.locator('#chart-coverage canvas').count()).toBe(1);
    expect(plain(await page.textContent('#claims-waiting'))).toContain('18 Desember 2025');
    expect(await page.getAttribute('#link-csv', 'href')).toBe('/api/v1/reports/oversight/53?period=2025-12&fiscalYear=2025');

    // A past asOf: the signed point-in-time report when the API has it, else live figures with a note.
    await page.fill('#asof', '2025-12-31');
    await page.click('#apply');
    await page.locator('#mode-note', { hasText: '31 Desember 2025' }).waitFor();
    const note = plain(await page.textContent('#mode-note'));
    if ((await page.getAttribute('#mode-note', 'data-mode')) === 'report') {
      // Everything above was recorded in 2026: the ledger as it stood at the end of 2025 had none of it.
      expect(note).toMatch(/Laporan titik waktu: ledger per 31 Desember 2025/);
      expect(plain(await page.textContent('#card-covered'))).toBe('0');
      expect(await page.getAttribute('#link-csv', 'href')).toBe(
        '/api/v1/reports/oversight/53?asOf=2025-12-31&period=2025-12&fiscalYear=2025',
      );
    } else {
      expect(note).toMatch(/belum tersedia.*angka terkini/);
      expect(plain(await page.textContent('#card-covered'))).toBe('3');
    }
    await page.click('#live');
    await page.locator('#mode-note[data-mode="live"]').waitFor();
    await page.locator('#card-covered', { hasText: '3' }).waitFor();

    // English labels; numbers stay Indonesian.
    expect(plain(await page.textContent('.cards .card h3'))).toBe('Tercakup');
    await page.click('#lang-toggle');
    expect(plain(await page.textContent('.cards .card h3'))).toBe('Covered');
    expect(plain(await page.textContent('#tree-title'))).toBe('Regions');
    expect(plain(await page.textContent('#mode-note'))).toMatch(/^December 2025 · Live figures/);
    expect(plain(await page.textContent('#card-disbursed'))).toBe('Rp 50.400');

    // Sorting by covered workers puts TTU (2) first, then Kupang (1); a second click reverses.
    const order = () =>
      page.$$eval('#children tbody tr', (rows) => rows.map((r) => (r as unknown as { dataset: { code: string } }).dataset.code));
    const before = await order();
    expect(before.slice(0, 3)).toEqual(['53.01', '53.02', '53.03']);
    await page.click('#children th button[data-sort="covered"]');
    const sorted = await order();
    expect(sorted.slice(0, 2)).toEqual(['53.03', '53.01']);
    expect(await page.getAttribute('#children th:has(button[data-sort="covered"])', 'aria-sort')).toBe('descending');
    await page.click('#children th button[data-sort="covered"]');
    expect((await order()).slice(-2)).toEqual(['53.01', '53.03']);
    await page.click('#children th button[data-sort="covered"]');

    // Back to Indonesian for the picture.
    await page.click('#lang-toggle');
    await page.locator('#tree-title', { hasText: 'Wilayah' }).waitFor();
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTEFACTS, 'dashboard.png'), fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), fullPage: true });
    expect(existsSync(join(ARTEFACTS, 'dashboard.png'))).toBe(true);

    // No script error and no Content-Security-Policy violation on the way.
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("shows the operators' worklists: a membership that lapses next month and the months due and unpaid", async () => {
    // A TTU worker enrolled three months before today's month in NTT (WITA) and paid for that month only.
    const current = currentPeriod(new Date(), '53');
    const first = addMonths(current, -3);
    const { allocationId } = await api('/api/v1/allocations', ['finance'], {
      regionCode: '53.03',
      fundingSource: 'APBD_KABUPATEN_KOTA',
      fiscalYear: Number(first.slice(0, 4)),
      amount: 100 * WORKER_MONTH,
      programName: 'Pekerja rentan TTU (uji)',
      legalBasis: 'Perbup TTU (uji)',
      allocatedOn: `${first.slice(0, 4)}-01-01`,
    });
    const nik = makeNik('53.03.01', '1988-05-05', 'M', 8200);
    await api('/api/v1/workers', ['operator'], {
      nik,
      fullName: 'Agustinus Neno',
      birthDate: '1988-05-05',
      sex: 'M',
      regionCode: '53.03.01.2005',
      occupation: 'PETANI',
      allocationId,
      enrolledOn: `${first}-01`,
    });
    const batch = await api('/api/v1/contributions', ['operator'], { allocationId, period: first, paidOn: `${first}-10` });
    await api(`/api/v1/worklists/lapsing?regionCode=53&consistentWith=${batch.position}`, ['analyst']);

    await page.fill('#period', first);
    await page.fill('#asof', '');
    await page.click('#tree .region[data-code="53"]');
    await page.locator('#lapsing tbody tr', { hasText: maskNik(nik) }).waitFor();
    expect(plain(await page.textContent('#lapsing-note'))).toMatch(/^1 pekerja berhenti mulai /);
    expect(plain(await page.textContent('#lapsing'))).not.toContain(nik);
    const unpaid = page.locator('#unpaid-months tbody tr', { hasText: 'Pekerja rentan TTU (uji)' });
    await unpaid.first().waitFor();
    expect(plain(await unpaid.first().textContent())).toContain('Rp 16.800');
    expect(plain(await page.textContent('#unpaid-note'))).toMatch(/bulan-pekerja belum dibayar/);
    await page.locator('section:has(#lapsing)').screenshot({ path: join(ARTEFACTS, 'worklists.png') });
    await page.click('#lang-toggle');
    expect(plain(await page.textContent('#lapsing-note'))).toMatch(/^1 workers lapse from /);
    await page.click('#lang-toggle');
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
  });
});
