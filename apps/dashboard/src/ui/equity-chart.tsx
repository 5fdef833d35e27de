import { BaselineSeries, ColorType, createChart, type IChartApi, type ISeriesApi, type Time } from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import type { EquityPoint } from '../logic/positions';

/** Cumulative R after costs; green above zero, red below. */
export function EquityChart({ points }: { points: EquityPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  const series = useRef<ISeriesApi<'Baseline'> | undefined>(undefined);
  const chart = useRef<IChartApi | undefined>(undefined);
  useEffect(() => {
    const c = createChart(box.current!, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: '#0f1419' }, textColor: '#8b98a5', fontSize: 10 },
      grid: { vertLines: { visible: false }, horzLines: { color: '#1c252e' } },
      rightPriceScale: { borderColor: '#2a3540' },
      timeScale: { borderColor: '#2a3540', timeVisible: true },
    });
    series.current = c.addSeries(BaselineSeries, {
      baseValue: { type: 'price', price: 0 },
      topLineColor: '#26a69a',
      topFillColor1: 'rgba(38,166,154,0.25)',
      topFillColor2: 'rgba(38,166,154,0.02)',
      bottomLineColor: '#ef5350',
      bottomFillColor1: 'rgba(239,83,80,0.02)',
      bottomFillColor2: 'rgba(239,83,80,0.25)',
      lineWidth: 2,
    });
    chart.current = c;
    return () => c.remove();
  }, []);
  useEffect(() => {
    series.current!.setData(points.map((p) => ({ time: p.time as Time, value: p.value })));
    chart.current!.timeScale().fitContent();
  }, [points]);
  return <div class="equity" ref={box} data-testid="equity-chart" />;
}
