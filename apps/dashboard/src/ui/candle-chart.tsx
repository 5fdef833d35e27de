import { CandlestickSeries, ColorType, createChart, createSeriesMarkers, LineStyle, type IChartApi, type IPriceLine, type ISeriesApi, type ISeriesMarkersPluginApi, type Time } from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import { COLORS, priceLevels, signalMarkers, toBars } from '../logic/chart-overlays';
import type { Candle, Signal } from '../logic/types';

interface Props {
  candles: Candle[];
  signals: Signal[];
  selected: Signal | undefined;
}

/** Candles of one symbol, each signal marked, the selected signal's entry/SL/TP drawn. */
export function CandleChart({ candles, signals, selected }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | undefined>(undefined);
  const series = useRef<ISeriesApi<'Candlestick'> | undefined>(undefined);
  const markers = useRef<ISeriesMarkersPluginApi<Time> | undefined>(undefined);
  const lines = useRef<IPriceLine[]>([]);
  const shownSymbol = useRef<string | undefined>(undefined);

  useEffect(() => {
    const c = createChart(box.current!, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: '#0f1419' }, textColor: '#8b98a5', fontSize: 11 },
      grid: { vertLines: { color: '#1c252e' }, horzLines: { color: '#1c252e' } },
      rightPriceScale: { borderColor: '#2a3540' },
      timeScale: { borderColor: '#2a3540', timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    series.current = c.addSeries(CandlestickSeries, {
      upColor: COLORS.buy,
      downColor: COLORS.sell,
      borderVisible: false,
      wickUpColor: COLORS.buy,
      wickDownColor: COLORS.sell,
    });
    markers.current = createSeriesMarkers(series.current, []);
    chart.current = c;
    return () => c.remove();
  }, []);

  useEffect(() => {
    const bars = toBars(candles);
    series.current!.setData(bars.map((b) => ({ ...b, time: b.time as Time })));
    // A new symbol starts fitted; later refreshes keep where the trader scrolled to.
    if (shownSymbol.current !== candles[0]?.symbol) chart.current!.timeScale().fitContent();
    shownSymbol.current = candles[0]?.symbol;
    markers.current!.setMarkers(signalMarkers(signals, bars).map((m) => ({ ...m, time: m.time as Time })));
    for (const l of lines.current) series.current!.removePriceLine(l);
    lines.current = selected
      ? priceLevels(selected).map((l) =>
          series.current!.createPriceLine({ price: l.price, color: l.color, title: l.title, lineWidth: 1, lineStyle: l.title === 'Entry' ? LineStyle.Solid : LineStyle.Dashed, axisLabelVisible: true }),
        )
      : [];
  }, [candles, signals, selected]);

  return <div class="chart" ref={box} data-testid="candle-chart" />;
}
