/**
 * @module
 * Forecasts: every series of the tenant (alerts, incidents, techniques, tactics, peers'
 * sightings, events) with the model its backtest chose and that model's error beside seasonal
 * naive's; the selected series drawn with its history, forecast and 80% / 95% bands; the early
 * warnings; and the sector view ("T1486 across energy members: 3× the seasonal level, rising").
 */
import { useMemo, useState, type ReactNode } from 'react';
import { forecast, type ForecastDetail, type Granularity } from '../api/forecast';
import { href, Link, useRouter } from '../app/router';
import { useSession } from '../app/session';
import { useThemeName } from '../app/theme';
import { useAsync } from '../app/use-async';
import type { ViewProps } from '../app/view-types';
import { baseOption, Chart, chartColors } from '../components/chart';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';

const fmt = (x: number | null): string => (x === null ? '—' : x.toFixed(3));

/** Chart option: history, forecast line, 95% and 80% bands (stacked areas over the lower bound). */
export function bandOption(d: ForecastDetail, theme: string): Record<string, unknown> {
  void theme;
  const c = chartColors();
  const keep = d.granularity === 'hour' ? 14 * 24 : 56;
  const from = Math.max(0, d.history.length - keep);
  const times: number[] = [];
  for (let i = from; i < d.history.length + d.points.length; i++) times.push(d.start + i * d.step);
  const pad = (n: number): null[] => Array.from({ length: n }, () => null);
  const hist = d.history.slice(from);
  const lo95 = [...pad(hist.length), ...d.points.map((p) => p.lo95)];
  const band95 = [...pad(hist.length), ...d.points.map((p) => p.hi95 - p.lo95)];
  const lo80 = [...pad(hist.length), ...d.points.map((p) => p.lo80)];
  const band80 = [...pad(hist.length), ...d.points.map((p) => p.hi80 - p.lo80)];
  const band = (name: string, data: (number | null)[], stack: string, opacity: number) => ({
    name,
    type: 'line',
    data,
    stack,
    symbol: 'none',
    lineStyle: { opacity: 0 },
    areaStyle: { color: c.accent, opacity },
  });
  return {
    ...baseOption(c),
    legend: { top: 0, textStyle: { color: c.text }, data: ['history', 'forecast', '95% band', '80% band'] },
    grid: { left: 48, right: 16, top: 40, bottom: 28 },
    xAxis: {
      type: 'category',
      data: times.map((t) => formatTime(t)),
      axisLabel: { color: c.muted },
      axisLine: { lineStyle: { color: c.grid } },
    },
    yAxis: { type: 'value', axisLabel: { color: c.muted }, splitLine: { lineStyle: { color: c.grid } } },
    series: [
      { name: 'lo95', type: 'line', data: lo95, stack: 'b95', symbol: 'none', lineStyle: { opacity: 0 } },
      band('95% band', band95, 'b95', 0.15),
      { name: 'lo80', type: 'line', data: lo80, stack: 'b80', symbol: 'none', lineStyle: { opacity: 0 } },
      band('80% band', band80, 'b80', 0.25),
      {
        name: 'history',
        type: 'line',
        data: [...hist, ...pad(d.points.length)],
        symbol: 'none',
        lineStyle: { color: c.text },
      },
      {
        name: 'forecast',
        type: 'line',
        data: [...pad(hist.length), ...d.points.map((p) => p.value)],
        symbol: 'none',
        lineStyle: { color: c.accent, type: 'dashed' },
      },
    ],
  };
}

function SeriesChart(props: { series: string; granularity: Granularity }): ReactNode {
  const theme = useThemeName();
  const state = useAsync(
    (signal) => forecast.detail(props.series, props.granularity, signal),
    [props.series, props.granularity],
  );
  const option = useMemo(() => (state.data ? bandOption(state.data, theme) : undefined), [state.data, theme]);
  return (
    <Async state={state} label="Loading the forecast…">
      {(d) => (
        <section className="panel" aria-label={`Forecast of ${d.series}`}>
          <h2 className="panel-title">
            {d.series} by {d.granularity}: {d.model}
          </h2>
          <p className="muted small">
            Backtest MASE {fmt(d.backtest.mase)} against seasonal naive {fmt(d.backtest.baseline_mase)} (
            {d.backtest.folds} rolling origins of {d.backtest.horizon} steps; candidates:{' '}
            {Object.entries(d.backtest.candidates)
              .map(([k, v]) => `${k} ${v.toFixed(3)}`)
              .join(', ')}
            ). Seasonal level {d.seasonalLevel}. Made {formatTime(d.made)}.
          </p>
          {option && (
            <Chart
              option={option}
              height={300}
              summary={`${d.series}: ${d.history.length} points of history and ${d.points.length} forecast with 80% and 95% bands; next value ${d.points[0]?.value ?? 0}`}
            />
          )}
        </section>
      )}
    </Async>
  );
}

/** The forecast view. */
export default function ForecastView(_props: ViewProps): ReactNode {
  const { location, navigate } = useRouter();
  const { canWrite } = useSession();
  const granularity: Granularity = location.query.get('by') === 'day' ? 'day' : 'hour';
  const picked = location.query.get('series') ?? 'alerts';
  const [busy, setBusy] = useState(false);
  const state = useAsync(
    async (signal) => {
      const [series, warnings, sector] = await Promise.all([
        forecast.series(granularity, signal),
        forecast.warnings(signal),
        forecast.sector(signal),
      ]);
      return { series: series.items, warnings: warnings.items, sector: sector.items };
    },
    [granularity],
  );
  const go = (q: Record<string, string>): void =>
    navigate(href('/forecast', { by: granularity, series: picked, ...q }));
  const refresh = async (): Promise<void> => {
    setBusy(true);
    try {
      await forecast.refresh();
      await forecast.refreshSector();
      state.reload(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="view">
      <div className="view-head">
        <h1>Forecasts</h1>
        <div className="actionbar">
          <label>
            By{' '}
            <select value={granularity} onChange={(e) => go({ by: e.target.value })} aria-label="Granularity">
              <option value="hour">hour (7 days ahead)</option>
              <option value="day">day (14 days ahead)</option>
            </select>
          </label>
          {canWrite && (
            <button type="button" className="btn" disabled={busy} onClick={() => void refresh()}>
              {busy ? 'Forecasting…' : 'Forecast now'}
            </button>
          )}
        </div>
      </div>
      <Async state={state} label="Loading forecasts…">
        {(d) =>
          d.series.length === 0 ? (
            <Empty title="No forecasts yet">The node forecasts every tenant hourly; analysts can forecast now.</Empty>
          ) : (
            <>
              <SeriesChart series={picked} granularity={granularity} />
              <section className="panel">
                <h2 className="panel-title">Early warnings</h2>
                {d.warnings.length === 0 ? (
                  <p className="muted">
                    No series left its 95% band and no technique is rising above its seasonal level.
                  </p>
                ) : (
                  <ul className="plain">
                    {d.warnings.slice(0, 20).map((w) => (
                      <li key={w.id}>
                        <span className="badge">{w.kind}</span> {formatTime(w.time)} — {w.message}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section className="panel">
                <h2 className="panel-title">Sector view</h2>
                {d.sector.length === 0 ? (
                  <p className="muted">No member has shared counts with this node.</p>
                ) : (
                  <table className="table" aria-label="Sector trends">
                    <thead>
                      <tr>
                        <th scope="col">Trend</th>
                        <th scope="col" className="num">
                          Members
                        </th>
                        <th scope="col" className="num">
                          Forecast / day
                        </th>
                        <th scope="col" className="num">
                          Seasonal level
                        </th>
                        <th scope="col">Model (MASE vs seasonal naive)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.sector.map((t) => (
                        <tr key={`${t.sector}:${t.technique}`}>
                          <td>
                            <Link to={href('/forecast', { by: 'day', series: `sector:${t.sector}:${t.technique}` })}>
                              {t.message}
                            </Link>
                          </td>
                          <td className="num">{t.members}</td>
                          <td className="num">{t.forecastPerDay}</td>
                          <td className="num">{t.seasonalLevel}</td>
                          <td>
                            {t.model} ({fmt(t.mase)} vs {fmt(t.baseline_mase)})
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <section className="panel">
                <h2 className="panel-title">Series</h2>
                <table className="table" aria-label="Forecast series">
                  <thead>
                    <tr>
                      <th scope="col">Series</th>
                      <th scope="col">Model</th>
                      <th scope="col" className="num">
                        MASE
                      </th>
                      <th scope="col" className="num">
                        Seasonal naive
                      </th>
                      <th scope="col" className="num">
                        Last
                      </th>
                      <th scope="col" className="num">
                        Next
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.series.map((s) => (
                      <tr key={s.series} aria-selected={s.series === picked}>
                        <td>
                          <Link to={href('/forecast', { by: granularity, series: s.series })}>{s.series}</Link>
                        </td>
                        <td>{s.model}</td>
                        <td className="num">{fmt(s.mase)}</td>
                        <td className="num">{fmt(s.baseline_mase)}</td>
                        <td className="num">{s.last}</td>
                        <td className="num">{s.next}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </>
          )
        }
      </Async>
    </div>
  );
}
