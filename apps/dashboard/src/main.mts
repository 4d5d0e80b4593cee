/**
 * The dashboard: sign in with a bearer token, pick a region on the tree, a month and an asOf, and see
 * coverage, funding, claims and findings of the region and its children (live from the queries, or
 * from the signed point-in-time report for an asOf in the past).
 */
import { ApiError, Claims, claimsOf, getBlob, getJson, setToken, token, url } from './api.mjs';
import { drawBars } from './charts.mjs';
import { date, moment, month, number, percent, rupiah, shortName, today } from './format.mjs';
import { isKey, Key, Lang, lang, setLang, t } from './i18n.mjs';

// ---------- answers of the API (the fields the page reads) ----------
interface RegionItem {
  code: string;
  name: string;
  level: string;
  hasChildren: boolean;
}
interface CoverageFigures {
  regionCode: string;
  regionName: string;
  period: string;
  enrolledWorkers: number;
  coveredWorkers: number;
  contributionAmount?: number;
  informalWorkforce: { informalWorkers: number; source: string; year: number } | null;
  coverageRatio: number | null;
}
type CoverageAnswer = CoverageFigures & { children: CoverageFigures[] };
interface FundingFigures {
  regionCode: string;
  regionName: string;
  fiscalYear: number;
  allocated: number;
  disbursed: number;
  remaining: number;
  refunded?: number;
  bySource: Array<{ fundingSource: string; allocated: number; disbursed: number }>;
}
type FundingAnswer = FundingFigures & { children: FundingFigures[] };
interface ClaimTotals {
  count: number;
  settledAmount: number;
  byType: Record<string, { count: number; settledAmount: number }>;
}
interface ClaimsFigures {
  totals: ClaimTotals;
  children: Array<{ regionCode: string; regionName?: string; totals: ClaimTotals }>;
}
interface Report {
  asOf: string;
  fiscalYear: number;
  period: string;
  position: string | null;
  eventCount: number;
  treeSize: number;
  coverage: CoverageAnswer;
  funding: FundingAnswer;
  claims: ClaimsFigures;
}
interface ClaimItem {
  claimId: string;
  regionCode: string;
  type: string;
  incidentDate: string;
  submittedOn?: string;
}
type FindingTotals = Record<string, { count: number; amount: number }>;
interface LapsingWorker {
  workerId: string;
  nikMasked: string | null;
  regionCode: string;
  lastPaidPeriod: string | null;
  unpaidPeriods: string[];
  lapsesOn: string;
  payBy: string;
}
interface LapsingAnswer {
  lapsePeriod: string;
  items: LapsingWorker[];
  total: number;
}
interface UnpaidMonth {
  period: string;
  dueDate: string;
  overdue: boolean;
  workersDue: number;
  workersUnpaid: number;
  amountUnpaid: number;
  workersNoLongerPayable: number;
}
interface UnpaidMonthsAnswer {
  fiscalYear: number;
  total: number;
  items: Array<{
    allocationId: string;
    regionCode: string;
    programName: string;
    months: UnpaidMonth[];
    totals: { workersUnpaid: number; amountUnpaid: number; workersNoLongerPayable: number };
  }>;
}

interface View {
  code: string;
  name: string;
  period: string;
  fiscalYear: number;
  asOf: string;
  note: { key: Key; vars: Record<string, string | number> };
  report: Report | null;
  coverage: CoverageAnswer;
  funding: FundingAnswer;
  claims: ClaimsFigures;
  findings: { state: 'ok'; totals: FindingTotals } | { state: 'role' | 'missing' | 'error'; detail?: string };
  latestTreeSize: number | null;
  waiting: { items: ClaimItem[]; total: number } | null;
  lapsing: LapsingAnswer | null;
  unpaid: UnpaidMonthsAnswer | null;
}

// ---------- page state ----------
const LANG_KEY = 'dashboard.lang';
let user: Claims | null = null;
let selected: { code: string; name: string } | null = null;
let view: View | null = null;
let sort: { key: string; dir: 1 | -1 } = { key: 'code', dir: 1 };
let loading = 0;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Array<Node | string>
) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const hasRole = (...roles: string[]) => (user?.roles ?? []).some((r) => roles.includes(r));

// ---------- language ----------
function applyLabels(): void {
  document.documentElement.lang = lang();
  document.title = t('title');
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = node.dataset.i18n ?? '';
    if (isKey(key)) node.textContent = t(key);
  }
  const toggle = $('lang-toggle');
  toggle.textContent = lang() === 'id' ? 'English' : 'Bahasa Indonesia';
  toggle.lang = lang() === 'id' ? 'en' : 'id';
  showWho();
  if (view) render(view);
}

function showWho(): void {
  $('who').textContent = user
    ? `${t('signedInAs')} ${user.sub ?? '?'} (${(user.roles ?? []).join(', ')}; ${(user.regions ?? []).join(', ')})`
    : '';
}

// ---------- sign in ----------
async function signIn(jwt: string): Promise<void> {
  const error = $('signin-error');
  error.hidden = true;
  const claims = claimsOf(jwt);
  if (!claims) {
    error.textContent = t('tokenMalformed');
    error.hidden = false;
    return;
  }
  setToken(jwt);
  try {
    const roots = await getJson<{ items: RegionItem[] }>(url('/api/v1/regions'));
    user = claims;
    $('signin').hidden = true;
    $('app').hidden = false;
    $('signout').hidden = false;
    showWho();
    renderTree(roots.items);
  } catch (e) {
    setToken(null);
    error.textContent = `${t('tokenRefused')}: ${e instanceof ApiError ? e.detail : String(e)}`;
    error.hidden = false;
  }
}

function signOut(): void {
  setToken(null);
  user = null;
  view = null;
  selected = null;
  $('tree').replaceChildren();
  $('figures').hidden = true;
  $('empty').hidden = false;
  $('app').hidden = true;
  $('signin').hidden = false;
  $('signout').hidden = true;
  ($('token') as HTMLTextAreaElement).value = '';
  showWho();
}

// ---------- the region tree ----------
function renderTree(roots: RegionItem[]): void {
  const tree = $('tree');
  tree.replaceChildren(...roots.map(treeNode));
  // A single root with children (the country, or one province) opens at once.
  if (roots.length === 1 && roots[0].hasChildren) void expand(tree.querySelector<HTMLElement>('li')!, roots[0]);
}

function treeNode(item: RegionItem): HTMLLIElement {
  const li = el('li', { role: 'treeitem' });
  li.dataset.code = item.code;
  const toggle = el('button', { type: 'button', className: item.hasChildren ? 'toggle' : 'toggle leaf', textContent: '▸' });
  toggle.setAttribute('aria-label', item.name);
  toggle.setAttribute('aria-expanded', 'false');
  const name = el('button', { type: 'button', className: 'region', textContent: item.name, title: item.code });
  name.dataset.code = item.code;
  name.setAttribute('aria-selected', 'false');
  toggle.addEventListener('click', () => void expand(li, item));
  name.addEventListener('click', () => {
    for (const b of document.querySelectorAll('#tree .region[aria-selected=true]')) b.setAttribute('aria-selected', 'false');
    name.setAttribute('aria-selected', 'true');
    selected = { code: item.code, name: item.name };
    sort = { key: 'code', dir: 1 };
    if (item.hasChildren && li.querySelector('ul') === null) void expand(li, item);
    void load();
  });
  li.append(toggle, name);
  return li;
}

async function expand(li: HTMLElement, item: RegionItem): Promise<void> {
  if (!item.hasChildren) return;
  const toggle = li.querySelector<HTMLButtonElement>('.toggle')!;
  let list = li.querySelector<HTMLUListElement>(':scope > ul');
  if (list) {
    const open = list.hidden;
    list.hidden = !open;
    toggle.textContent = open ? '▾' : '▸';
    toggle.setAttribute('aria-expanded', String(open));
    return;
  }
  list = el('ul', { role: 'group' });
  li.append(list);
  toggle.textContent = '▾';
  toggle.setAttribute('aria-expanded', 'true');
  try {
    const children = await getJson<{ items: RegionItem[] }>(url('/api/v1/regions', { parent: item.code }));
    list.replaceChildren(...children.items.map(treeNode));
  } catch (e) {
    list.replaceChildren(
      el('li', { className: 'error', textContent: `${t('loadFailed')}: ${e instanceof ApiError ? e.detail : String(e)}` }),
    );
  }
}

// ---------- loading the figures ----------
async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function liveClaims(code: string, childCodes: string[], fiscalYear: number): Promise<ClaimsFigures> {
  const totalsOf = async (regionCode: string) =>
    (
      await getJson<{ totals: ClaimTotals }>(
        url('/api/v1/claims', { regionCode, from: `${fiscalYear}-01-01`, to: `${fiscalYear}-12-31`, pageSize: 1 }),
      )
    ).totals;
  const [totals, children] = await Promise.all([
    totalsOf(code),
    inBatches(childCodes, 6, async (c) => ({ regionCode: c, totals: await totalsOf(c) })),
  ]);
  return { totals, children };
}

async function findings(code: string, fiscalYear: number): Promise<View['findings']> {
  if (!hasRole('auditor')) return { state: 'role' };
  try {
    const answer = await getJson<{ totals: FindingTotals }>(url('/api/v1/audit/findings', { regionCode: code, fiscalYear, pageSize: 1 }));
    return { state: 'ok', totals: answer.totals };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { state: 'missing' };
    if (e instanceof ApiError && e.status === 403) return { state: 'role' };
    return { state: 'error', detail: e instanceof ApiError ? e.detail : String(e) };
  }
}

async function load(): Promise<void> {
  if (!selected) return;
  const ticket = ++loading;
  const { code, name } = selected;
  const period = ($('period') as HTMLInputElement).value || today().slice(0, 7);
  const asOf = ($('asof') as HTMLInputElement).value;
  const fiscalYear = Number(period.slice(0, 4));
  $('empty').hidden = true;
  $('figures').hidden = false;
  $('region-title').textContent = `${name} (${code})`;
  $('mode-note').textContent = t('loading');
  $('load-error').hidden = true;
  try {
    let report: Report | null = null;
    let note: View['note'] = { key: 'modeLive', vars: {} };
    if (asOf && asOf < today()) {
      if (!hasRole('oversight', 'auditor')) note = { key: 'modeLiveNoRole', vars: { asOf } };
      else {
        try {
          report = await getJson<Report>(url(`/api/v1/reports/oversight/${code}`, { asOf, period, fiscalYear }));
          note = { key: 'modeReport', vars: {} };
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          if (e.status === 404) note = { key: 'modeLiveNoRoute', vars: { asOf } };
          else if (e.status === 403) note = { key: 'modeLiveNoRole', vars: { asOf } };
          else if (e.status === 422) note = { key: 'modeLiveFuture', vars: { asOf } };
          else throw e;
        }
      }
    } else if (asOf) note = { key: 'modeLiveFuture', vars: { asOf } };

    let coverage: CoverageAnswer, funding: FundingAnswer, claims: ClaimsFigures;
    if (report) ({ coverage, funding, claims } = report);
    else {
      [coverage, funding] = await Promise.all([
        getJson<CoverageAnswer>(url(`/api/v1/coverage/${code}`, { period })),
        getJson<FundingAnswer>(url(`/api/v1/funding/${code}`, { fiscalYear })),
      ]);
      claims = await liveClaims(
        code,
        coverage.children.map((c) => c.regionCode),
        fiscalYear,
      );
    }
    const [found, waiting, lapsing, unpaid, latestTreeSize] = await Promise.all([
      findings(code, fiscalYear),
      getJson<{ items: ClaimItem[]; total: number }>(url('/api/v1/claims', { regionCode: code, status: 'SUBMITTED', pageSize: 10 })).catch(
        () => null,
      ),
      // The worklists are live (today's): memberships lapsing next month, months due and unpaid per allocation.
      getJson<LapsingAnswer>(url('/api/v1/worklists/lapsing', { regionCode: code, pageSize: 10 })).catch(() => null),
      getJson<UnpaidMonthsAnswer>(url('/api/v1/worklists/unpaid-months', { regionCode: code, fiscalYear, pageSize: 20 })).catch(() => null),
      report && hasRole('auditor')
        ? getJson<{ treeSize: number }>('/api/v1/audit/checkpoints/latest').then(
            (c) => c.treeSize,
            () => null,
          )
        : Promise.resolve(null),
    ]);
    if (ticket !== loading) return;
    if (note.key === 'modeLive') note.vars = { time: '' };
    view = {
      code,
      name,
      period,
      fiscalYear,
      asOf,
      note,
      report,
      coverage,
      funding,
      claims,
      findings: found,
      latestTreeSize,
      waiting,
      lapsing,
      unpaid,
    };
    (view as View & { loadedAt?: Date }).loadedAt = new Date();
    render(view);
  } catch (e) {
    if (ticket !== loading) return;
    $('mode-note').textContent = '';
    const error = $('load-error');
    error.textContent = `${t('loadFailed')}: ${e instanceof ApiError ? `${e.status} ${e.detail}` : String(e)}`;
    error.hidden = false;
  }
}

// ---------- rendering ----------
interface Row {
  code: string;
  name: string;
  enrolled: number;
  covered: number;
  workforce: number | null;
  ratio: number | null;
  contributions: number;
  allocated: number;
  disbursed: number;
  remaining: number;
  claims: number;
  settled: number;
}

interface Column {
  key: keyof Row;
  label: Key;
  text?: boolean;
  show: (r: Row) => string;
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'region', text: true, show: (r) => r.name },
  { key: 'enrolled', label: 'enrolled', show: (r) => number(r.enrolled) },
  { key: 'covered', label: 'covered', show: (r) => number(r.covered) },
  { key: 'workforce', label: 'informalWorkforce', show: (r) => (r.workforce === null ? '–' : number(r.workforce)) },
  { key: 'ratio', label: 'coverageRatio', show: (r) => percent(r.ratio) },
  { key: 'contributions', label: 'contributions', show: (r) => rupiah(r.contributions) },
  { key: 'allocated', label: 'allocated', show: (r) => rupiah(r.allocated) },
  { key: 'disbursed', label: 'disbursed', show: (r) => rupiah(r.disbursed) },
  { key: 'remaining', label: 'remaining', show: (r) => rupiah(r.remaining) },
  { key: 'claims', label: 'claims', show: (r) => number(r.claims) },
  { key: 'settled', label: 'settledAmount', show: (r) => rupiah(r.settled) },
];

function rowsOf(v: View): Row[] {
  const funding = new Map(v.funding.children.map((f) => [f.regionCode, f]));
  const claims = new Map(v.claims.children.map((c) => [c.regionCode, c.totals]));
  return v.coverage.children.map((c) => {
    const f = funding.get(c.regionCode);
    const k = claims.get(c.regionCode);
    return {
      code: c.regionCode,
      name: c.regionName,
      enrolled: c.enrolledWorkers,
      covered: c.coveredWorkers,
      workforce: c.informalWorkforce?.informalWorkers ?? null,
      ratio: c.coverageRatio,
      contributions: c.contributionAmount ?? 0,
      allocated: f?.allocated ?? 0,
      disbursed: f?.disbursed ?? 0,
      remaining: f?.remaining ?? 0,
      claims: k?.count ?? 0,
      settled: k?.settledAmount ?? 0,
    };
  });
}

function totalRow(v: View): Row {
  const c = v.coverage;
  return {
    code: v.code,
    name: `${t('total')}: ${c.regionName}`,
    enrolled: c.enrolledWorkers,
    covered: c.coveredWorkers,
    workforce: c.informalWorkforce?.informalWorkers ?? null,
    ratio: c.coverageRatio,
    contributions: c.contributionAmount ?? 0,
    allocated: v.funding.allocated,
    disbursed: v.funding.disbursed,
    remaining: v.funding.remaining,
    claims: v.claims.totals.count,
    settled: v.claims.totals.settledAmount,
  };
}

function compareRows(a: Row, b: Row): number {
  const x = a[sort.key as keyof Row];
  const y = b[sort.key as keyof Row];
  if (typeof x === 'string' && typeof y === 'string') return sort.dir * x.localeCompare(y, 'id');
  const nx = x === null ? -Infinity : Number(x);
  const ny = y === null ? -Infinity : Number(y);
  return sort.dir * (nx - ny) || a.code.localeCompare(b.code);
}

function render(v: View): void {
  $('region-title').textContent = `${v.coverage.regionName || v.name} (${v.code})`;
  const vars = { ...v.note.vars };
  if (v.note.key === 'modeLive') vars.time = moment((v as View & { loadedAt?: Date }).loadedAt ?? new Date());
  if (typeof vars.asOf === 'string') vars.asOf = date(vars.asOf);
  if (v.report)
    Object.assign(vars, {
      asOf: date(v.report.asOf),
      position: v.report.position ?? '–',
      events: number(v.report.eventCount),
      year: v.report.fiscalYear,
    });
  $('mode-note').textContent = `${month(v.report?.period ?? v.period)} · ${t(v.note.key, vars)}`;
  $('mode-note').dataset.mode = v.report ? 'report' : 'live';

  // cards
  const c = v.coverage;
  $('card-covered').textContent = number(c.coveredWorkers);
  $('card-enrolled').textContent = number(c.enrolledWorkers);
  $('card-workforce').textContent = c.informalWorkforce ? number(c.informalWorkforce.informalWorkers) : '–';
  $('card-ratio').textContent = percent(c.coverageRatio);
  $('card-allocated').textContent = rupiah(v.funding.allocated);
  $('card-disbursed').textContent = rupiah(v.funding.disbursed);
  $('card-remaining').textContent = rupiah(v.funding.remaining);
  $('card-refunded').textContent = rupiah(v.funding.refunded ?? 0);
  $('card-claims').textContent = number(v.claims.totals.count);
  $('card-settled').textContent = rupiah(v.claims.totals.settledAmount);

  // charts
  const rows = rowsOf(v);
  drawBars($('chart-coverage'), {
    xLabel: t('region'),
    categories: rows.map((r) => shortName(r.name)),
    bars: [
      { label: t('enrolled'), values: rows.map((r) => r.enrolled), color: '#8fb8a8' },
      { label: t('covered'), values: rows.map((r) => r.covered), color: '#0b6e4f' },
    ],
    points: rows.some((r) => r.workforce !== null)
      ? { label: t('informalWorkforce'), values: rows.map((r) => r.workforce ?? 0), color: '#c8553d' }
      : undefined,
  });
  drawBars($('chart-funding'), {
    xLabel: t('source'),
    categories: v.funding.bySource.map((s) => s.fundingSource),
    bars: [
      { label: t('allocated'), values: v.funding.bySource.map((s) => s.allocated), color: '#7aa6c2', format: rupiah },
      { label: t('disbursed'), values: v.funding.bySource.map((s) => s.disbursed), color: '#1f4e79', format: rupiah },
    ],
  });

  renderTable(v, rows);
  renderClaimsByType(v);
  renderFindings(v);
  renderReportLinks(v);
  renderWaiting(v);
  renderLapsing(v);
  renderUnpaid(v);
}

function renderTable(v: View, rows: Row[]): void {
  const table = $('children') as HTMLTableElement;
  const head = el('tr');
  for (const col of COLUMNS) {
    const button = el('button', { type: 'button', textContent: t(col.label), title: `${t('sortBy')} ${t(col.label)}` });
    button.dataset.sort = col.key;
    button.addEventListener('click', () => {
      sort = sort.key === col.key ? { key: col.key, dir: sort.dir === 1 ? -1 : 1 } : { key: col.key, dir: col.text ? 1 : -1 };
      renderTable(v, rows);
    });
    const th = el('th', { scope: 'col' }, button);
    th.setAttribute('aria-sort', sort.key === col.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none');
    head.append(th);
  }
  table.tHead!.replaceChildren(head);
  const body = table.tBodies[0];
  const sorted = [...rows].sort(compareRows);
  body.replaceChildren(
    ...sorted.map((r) => {
      const tr = el('tr');
      tr.dataset.code = r.code;
      tr.append(...COLUMNS.map((col) => el('td', { textContent: col.show(r) })));
      return tr;
    }),
  );
  if (sorted.length === 0) body.append(el('tr', {}, el('td', { colSpan: COLUMNS.length, textContent: t('noChildren') })));
  const total = totalRow(v);
  const foot = el('tr', { className: 'total' }, ...COLUMNS.map((col) => el('td', { textContent: col.show(total) })));
  (table.tFoot ?? table.createTFoot()).replaceChildren(foot);
}

function smallTable(id: string, headers: string[], rows: string[][], empty: string): void {
  const table = $(id) as HTMLTableElement;
  table.tHead!.replaceChildren(el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', textContent: h }))));
  table.tBodies[0].replaceChildren(
    ...(rows.length
      ? rows.map((r) => el('tr', {}, ...r.map((cell) => el('td', { textContent: cell }))))
      : [el('tr', {}, el('td', { colSpan: headers.length, textContent: empty }))]),
  );
}

function renderClaimsByType(v: View): void {
  const rows = Object.entries(v.claims.totals.byType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, x]) => [type, number(x.count), rupiah(x.settledAmount)]);
  smallTable('claims-by-type', [t('type'), t('count'), t('settledAmount')], rows, t('none'));
}

function renderFindings(v: View): void {
  const note = $('findings-note');
  const f = v.findings;
  if (f.state === 'ok') {
    note.textContent = t('findingsLive', { year: v.fiscalYear });
    smallTable(
      'findings',
      [t('kind'), t('count'), t('amount')],
      Object.entries(f.totals).map(([kind, x]) => [kind, number(x.count), rupiah(x.amount)]),
      t('none'),
    );
    $('findings').hidden = false;
    return;
  }
  note.textContent =
    f.state === 'role' ? t('findingsNeedRole') : f.state === 'missing' ? t('findingsMissing') : `${t('loadFailed')}: ${f.detail ?? ''}`;
  $('findings').hidden = true;
}

function renderReportLinks(v: View): void {
  const asOf = v.report ? v.asOf : undefined;
  const base = url(`/api/v1/reports/oversight/${v.code}`, { asOf, period: v.period, fiscalYear: v.fiscalYear });
  const stamp = (asOf ?? today()).slice(0, 10);
  const name = `laporan-pengawasan-${v.code}-${stamp}`;
  const links: Array<{ id: string; label: Key; href: string; accept: string; file: string }> = [
    { id: 'link-csv', label: 'reportCsv', href: base, accept: 'text/csv', file: `${name}.csv` },
    { id: 'link-pdf', label: 'reportPdf', href: base, accept: 'application/pdf', file: `${name}.pdf` },
    { id: 'link-json', label: 'reportJson', href: base, accept: 'application/json', file: `${name}.json` },
    {
      id: 'link-checkpoint',
      label: 'checkpointLatest',
      href: '/api/v1/audit/checkpoints/latest',
      accept: 'application/json',
      file: 'checkpoint-latest.json',
    },
  ];
  if (v.report && v.latestTreeSize !== null && v.report.treeSize > 0) {
    links.push({
      id: 'link-consistency',
      label: 'consistencyProof',
      href: url('/api/v1/audit/proofs/consistency', { from: v.report.treeSize, to: v.latestTreeSize }),
      accept: 'application/json',
      file: `consistency-${v.report.treeSize}-${v.latestTreeSize}.json`,
    });
  }
  $('reports-note').textContent = hasRole('oversight', 'auditor') ? t('reportsHelp') : t('reportsNeedRole');
  $('report-links').replaceChildren(
    ...links.map((link) => {
      const a = el('a', { id: link.id, href: link.href, textContent: t(link.label) });
      a.dataset.accept = link.accept;
      a.addEventListener('click', (event) => {
        event.preventDefault();
        void download(a, link.href, link.accept, link.file);
      });
      return el('li', {}, a, ' ', el('code', { textContent: `GET ${link.href} (Accept: ${link.accept})` }));
    }),
  );
}

/** The API wants the bearer token, which a plain link cannot send: fetch it, then save the answer. */
async function download(anchor: HTMLAnchorElement, href: string, accept: string, file: string): Promise<void> {
  try {
    const blob = await getBlob(href, accept);
    const objectUrl = URL.createObjectURL(blob);
    const save = el('a', { href: objectUrl, download: file });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
  } catch (e) {
    anchor.title = `${t('downloadFailed')}: ${e instanceof ApiError ? `${e.status} ${e.detail}` : String(e)}`;
    anchor.classList.add('error');
  }
}

function renderWaiting(v: View): void {
  const w = v.waiting;
  $('waiting-note').textContent = w === null ? '' : w.total ? t('waitingTotal', { n: number(w.total) }) : t('waitingNone');
  const rows = (w?.items ?? []).map((c) => [
    c.claimId.slice(0, 12),
    c.type,
    c.regionCode,
    date(c.incidentDate),
    c.submittedOn ? date(c.submittedOn) : '–',
  ]);
  smallTable('claims-waiting', [t('claimId'), t('type'), t('region'), t('incidentDate'), t('submittedOn')], rows, t('none'));
  $('claims-waiting').hidden = rows.length === 0;
}

function renderLapsing(v: View): void {
  const l = v.lapsing;
  $('lapsing-note').textContent =
    l === null
      ? t('loadFailed')
      : l.total
        ? t('lapsingTotal', { n: number(l.total), month: month(l.lapsePeriod) })
        : t('lapsingNone', { month: month(l.lapsePeriod) });
  const rows = (l?.items ?? []).map((w) => [
    w.nikMasked ?? '–',
    w.regionCode,
    w.lastPaidPeriod ? month(w.lastPaidPeriod) : '–',
    w.unpaidPeriods.map(month).join(', '),
    date(w.payBy),
    date(w.lapsesOn),
  ]);
  smallTable('lapsing', [t('nikMasked'), t('region'), t('lastPaid'), t('unpaidMonths'), t('payBy'), t('lapsesOn')], rows, t('none'));
  $('lapsing').hidden = rows.length === 0;
}

function renderUnpaid(v: View): void {
  const u = v.unpaid;
  const unpaid = (u?.items ?? []).reduce((s, a) => s + a.totals.workersUnpaid, 0);
  const amount = (u?.items ?? []).reduce((s, a) => s + a.totals.amountUnpaid, 0);
  const lost = (u?.items ?? []).reduce((s, a) => s + a.totals.workersNoLongerPayable, 0);
  $('unpaid-note').textContent =
    u === null
      ? t('loadFailed')
      : unpaid || lost
        ? t('unpaidTotal', { n: number(unpaid), amount: rupiah(amount), year: u.fiscalYear, allocations: number(u.total) })
        : t('unpaidNone', { year: u.fiscalYear });
  const rows = (u?.items ?? []).flatMap((a) =>
    a.months.map((m) => [
      `${a.programName} (${a.regionCode})`,
      month(m.period),
      date(m.dueDate),
      number(m.workersDue),
      number(m.workersUnpaid),
      rupiah(m.amountUnpaid),
      number(m.workersNoLongerPayable),
    ]),
  );
  smallTable(
    'unpaid-months',
    [t('allocation'), t('period'), t('dueDate'), t('workersDue'), t('workersUnpaid'), t('amountUnpaid'), t('noLongerPayable')],
    rows,
    t('none'),
  );
  $('unpaid-months').hidden = rows.length === 0;
}

// ---------- start ----------
function start(): void {
  setLang((localStorage.getItem(LANG_KEY) as Lang | null) === 'en' ? 'en' : 'id');
  ($('period') as HTMLInputElement).value = today().slice(0, 7);
  ($('asof') as HTMLInputElement).max = today();
  applyLabels();

  $('lang-toggle').addEventListener('click', () => {
    setLang(lang() === 'id' ? 'en' : 'id');
    localStorage.setItem(LANG_KEY, lang());
    applyLabels();
  });
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(($('token') as HTMLTextAreaElement).value.trim().replace(/^Bearer\s+/i, ''));
  });
  $('signout').addEventListener('click', signOut);
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  $('live').addEventListener('click', () => {
    ($('asof') as HTMLInputElement).value = '';
    void load();
  });

  const saved = token();
  if (saved) void signIn(saved);
}

start();
