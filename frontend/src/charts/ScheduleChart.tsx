import { useMemo } from "react";

import { useFormat, type Formatter } from "../format";
import { baseOption, timeCategoryAxis, valueAxis } from "./common";
import { EChart, type ChartFrameProps } from "./EChart";

export interface ScheduleSeries {
  name: string;
  /** One value per period, aligned with `times`; null where there is none. */
  values: readonly (number | null)[];
  /** Series with the same stack are stacked (e.g. consumers); others are drawn as lines. */
  stack?: string;
  /** Drawn on the right axis (e.g. the price), in `secondaryUnit`. */
  secondary?: boolean;
  dashed?: boolean;
}

export interface ScheduleChartProps extends ChartFrameProps {
  /** Start of each period (UTC ISO); labelled in Copenhagen time with CET/CEST. */
  times: readonly string[];
  series: readonly ScheduleSeries[];
  unit: string;
  secondaryUnit?: string;
}

export function scheduleOption(
  { times, series, unit, secondaryUnit }: Omit<ScheduleChartProps, keyof ChartFrameProps>,
  format: Formatter,
) {
  const hasSecondary = series.some((s) => s.secondary);
  return {
    ...baseOption(series.length > 1),
    tooltip: { trigger: "axis" as const, confine: true },
    // one band per period: stacked bars fill it, lines step at its edges
    xAxis: timeCategoryAxis(times, format),
    yAxis: [
      valueAxis(unit, (v) => format.number(v, 1)),
      ...(hasSecondary
        ? [
            {
              ...valueAxis(secondaryUnit ?? "", (v) => format.number(v, 2)),
              splitLine: { show: false },
            },
          ]
        : []),
    ],
    dataZoom: times.length > 48 ? [{ type: "inside" as const }] : [],
    series: series.map((s) =>
      s.stack
        ? {
            type: "bar" as const,
            name: s.name,
            stack: s.stack,
            barCategoryGap: "8%",
            data: [...s.values],
            yAxisIndex: s.secondary ? 1 : 0,
          }
        : {
            type: "line" as const,
            name: s.name,
            step: "middle" as const,
            showSymbol: false,
            data: [...s.values],
            yAxisIndex: s.secondary ? 1 : 0,
            lineStyle: { width: 2, ...(s.dashed ? { type: "dashed" as const } : {}) },
          },
    ),
  };
}

/** Power (or energy) per period over a day, stacked by device or unit, with an optional price
 * line on a second axis: household days, expected schedules per unit, dispatch, prices. */
export default function ScheduleChart({
  times,
  series,
  unit,
  secondaryUnit,
  ...frame
}: ScheduleChartProps) {
  const format = useFormat();
  const option = useMemo(
    () => scheduleOption({ times, series, unit, secondaryUnit }, format),
    [times, series, unit, secondaryUnit, format],
  );
  return <EChart option={option} {...frame} />;
}
