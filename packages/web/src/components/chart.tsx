/**
 * @module
 * An ECharts chart that follows the theme, resizes with its box, and has a text alternative
 * for screen readers (the `summary`). Only the chart types the dashboard uses are bundled.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type ReactNode } from 'react';
import { cssVar } from '../app/theme';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  AriaComponent,
  CanvasRenderer,
]);

/** Colours of the current theme, read from the CSS variables. */
export interface ChartColors {
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly accent: string;
  readonly severity: Readonly<Record<'informational' | 'low' | 'medium' | 'high' | 'critical', string>>;
}

/** The theme's chart colours. */
export function chartColors(): ChartColors {
  return {
    text: cssVar('--fg'),
    muted: cssVar('--fg-muted'),
    grid: cssVar('--border'),
    accent: cssVar('--accent'),
    severity: {
      informational: cssVar('--sev-info'),
      low: cssVar('--sev-low'),
      medium: cssVar('--sev-medium'),
      high: cssVar('--sev-high'),
      critical: cssVar('--sev-critical'),
    },
  };
}

/** Axis and text styling shared by the dashboard's charts. */
export function baseOption(c: ChartColors): Record<string, unknown> {
  return {
    animation: false,
    aria: { enabled: true },
    textStyle: { color: c.text, fontFamily: 'inherit' },
    grid: { left: 48, right: 16, top: 28, bottom: 28 },
    tooltip: { trigger: 'axis', confine: true },
  };
}

/** The chart. `option` is rebuilt by the caller when data or theme change. */
export function Chart(props: {
  option: Record<string, unknown>;
  height: number;
  summary: string;
  onClickIndex?: (index: number) => void;
}): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const click = useRef(props.onClickIndex);
  click.current = props.onClickIndex;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => {
      const i = (p as { dataIndex?: number }).dataIndex;
      if (typeof i === 'number') click.current?.(i);
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option, true);
  }, [props.option]);

  // ECharts labels its own element with a generated description; the wrapper carries ours.
  return (
    <div className="chart" role="img" aria-label={props.summary}>
      <div ref={box} style={{ height: props.height }} aria-hidden="true" />
    </div>
  );
}
