import { useMemo } from "react";

import { useFormat, type Formatter } from "../format";
import { baseOption, timeCategoryAxis, valueAxis } from "./common";
import { EChart, type ChartFrameProps } from "./EChart";
import { PALETTE } from "./palette";

export interface Band {
  name: string;
  lower: readonly (number | null)[];
  upper: readonly (number | null)[];
}

export interface BandLine {
  name: string;
  values: readonly (number | null)[];
  dashed?: boolean;
}

export interface BandChartProps extends ChartFrameProps {
  times: readonly string[];
  unit: string;
  /** Quantile bands (e.g. P10–P90), drawn as shaded areas between lower and upper. */
  bands?: readonly Band[];
  /** Point forecast, actuals, expected values. */
  lines?: readonly BandLine[];
  /** Scenario fan: one thin line per scenario (prices or heat demand). */
  scenarios?: readonly BandLine[];
}

export function bandOption(
  {
    times,
    unit,
    bands = [],
    lines = [],
    scenarios = [],
  }: Omit<BandChartProps, keyof ChartFrameProps>,
  format: Formatter,
) {
  const bandSeries = bands.flatMap((band, index) => [
    {
      type: "line" as const,
      name: band.name,
      stack: `band-${index}`,
      data: [...band.lower],
      lineStyle: { opacity: 0 },
      showSymbol: false,
      tooltip: { show: false },
      legendHoverLink: false,
      silent: true,
    },
    {
      type: "line" as const,
      name: band.name,
      stack: `band-${index}`,
      // the stacked area spans lower..upper; the chart draws it, the API gave both bounds
      data: band.upper.map((upper, i) => {
        const lower = band.lower[i];
        return upper == null || lower == null ? null : upper - lower;
      }),
      lineStyle: { opacity: 0 },
      showSymbol: false,
      areaStyle: { color: PALETTE[5], opacity: 0.3 - index * 0.08 },
      tooltip: { show: false },
      silent: true,
    },
  ]);
  const scenarioSeries = scenarios.map((scenario) => ({
    type: "line" as const,
    name: scenario.name,
    data: [...scenario.values],
    showSymbol: false,
    lineStyle: { width: 1, opacity: 0.45, color: PALETTE[0] },
    itemStyle: { color: PALETTE[0] },
    emphasis: { focus: "series" as const },
  }));
  const lineSeries = lines.map((line, index) => ({
    type: "line" as const,
    name: line.name,
    data: [...line.values],
    showSymbol: false,
    lineStyle: { width: 2.5, ...(line.dashed ? { type: "dashed" as const } : {}) },
    color: PALETTE[(index + 1) % PALETTE.length],
  }));
  return {
    ...baseOption(lines.length + bands.length > 1 && scenarios.length === 0),
    xAxis: timeCategoryAxis(times, format),
    yAxis: { ...valueAxis(unit, (v) => format.number(v, 1)), scale: true },
    series: [...bandSeries, ...scenarioSeries, ...lineSeries],
  };
}

/** A forecast against actuals with quantile bands, or a fan of scenarios. */
export default function BandChart({
  times,
  unit,
  bands = [],
  lines = [],
  scenarios = [],
  ...frame
}: BandChartProps) {
  const format = useFormat();
  const option = useMemo(
    () => bandOption({ times, unit, bands, lines, scenarios }, format),
    [times, unit, bands, lines, scenarios, format],
  );
  return <EChart option={option} {...frame} />;
}
