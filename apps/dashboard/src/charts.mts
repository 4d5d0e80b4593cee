/** Bar charts on uPlot (loaded as vendor/uPlot.iife.min.js, the global `uPlot`): categories on x. */
import { compact, number } from './format.mjs';

export interface BarSeries {
  label: string;
  values: number[];
  color: string;
  /** Formats a value in the legend and on the axis. */
  format?: (n: number) => string;
}

export interface ChartSpec {
  /** What the categories are (the legend's first entry). */
  xLabel: string;
  categories: string[];
  /** One or two series drawn as bars side by side. */
  bars: BarSeries[];
  /** An optional series drawn as points on its own right-hand axis (e.g. the informal workforce). */
  points?: BarSeries;
}

const charts = new Map<HTMLElement, uPlot>();

export function drawBars(target: HTMLElement, spec: ChartSpec): void {
  charts.get(target)?.destroy();
  charts.delete(target);
  target.replaceChildren();
  if (spec.categories.length === 0) return;
  const n = spec.categories.length;
  const x = spec.categories.map((_, i) => i);
  const width = Math.max(280, target.clientWidth || 480);
  const aligns: Array<-1 | 0 | 1> = spec.bars.length === 1 ? [0] : [-1, 1];
  const bars = uPlot.paths.bars;
  const series: uPlot.Series[] = [
    { label: spec.xLabel, value: (_u, v) => (v === null || v === undefined ? '' : (spec.categories[v] ?? '')) },
    ...spec.bars.map((s, i) => ({
      label: s.label,
      stroke: s.color,
      fill: s.color,
      width: 0,
      scale: 'y',
      paths: bars ? bars({ size: [spec.bars.length === 1 ? 0.6 : 0.35, 60], align: aligns[i] ?? 0 }) : undefined,
      points: { show: false },
      value: (_u: uPlot, v: number | null) => (v === null ? '–' : (s.format ?? number)(v)),
    })),
  ];
  const data: uPlot.AlignedData = [x, ...spec.bars.map((s) => s.values)];
  const axes: uPlot.Axis[] = [
    {
      splits: () => x,
      values: (_u, splits) => splits.map((i) => spec.categories[i] ?? ''),
      rotate: n > 6 ? -40 : 0,
      size: n > 6 ? 110 : 40,
      gap: 4,
      grid: { show: false },
    },
    { scale: 'y', values: (_u, splits) => splits.map((v) => compact(v)), size: 60 },
  ];
  if (spec.points) {
    const p = spec.points;
    series.push({
      label: p.label,
      stroke: p.color,
      fill: p.color,
      scale: 'y2',
      paths: () => null,
      points: { show: true, size: 9, fill: p.color, stroke: p.color },
      value: (_u: uPlot, v: number | null) => (v === null ? '–' : (p.format ?? number)(v)),
    });
    data.push(p.values.map((v) => (v > 0 ? v : null)) as unknown as number[]);
    axes.push({
      scale: 'y2',
      side: 1,
      values: (_u, splits) => splits.map((v) => compact(v)),
      size: 60,
      grid: { show: false },
      stroke: p.color,
    });
  }
  const opts: uPlot.Options = {
    width,
    height: 300,
    series,
    axes,
    scales: {
      x: { time: false, range: () => [-0.5, n - 0.5] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      ...(spec.points ? { y2: { range: (_u: uPlot, _min: number, max: number) => [0, max > 0 ? max * 1.1 : 1] as [number, number] } } : {}),
    },
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
  };
  charts.set(target, new uPlot(opts, data, target));
}
