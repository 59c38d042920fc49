import { useMemo } from "react";

import { useFormat, type Formatter } from "../format";
import { baseOption, valueAxis } from "./common";
import { EChart, type ChartFrameProps } from "./EChart";

export interface BarSeries {
  name: string;
  values: readonly (number | null)[];
  stack?: string;
}

export interface BarChartProps extends ChartFrameProps {
  categories: readonly string[];
  series: readonly BarSeries[];
  unit: string;
  formatValue?: (value: number) => string;
  horizontal?: boolean;
}

export function barOption(
  {
    categories,
    series,
    unit,
    formatValue,
    horizontal = false,
  }: Omit<BarChartProps, keyof ChartFrameProps>,
  format: Formatter,
) {
  const categoryAxis = {
    type: "category" as const,
    data: [...categories],
    axisLabel: { hideOverlap: true },
  };
  const numberAxis = valueAxis(unit, (v) => format.number(v, 1));
  return {
    ...baseOption(series.length > 1),
    tooltip: {
      trigger: "axis" as const,
      confine: true,
      ...(formatValue
        ? {
            valueFormatter: (value: unknown) =>
              typeof value === "number" ? formatValue(value) : "—",
          }
        : {}),
    },
    xAxis: horizontal ? numberAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : numberAxis,
    series: series.map((s) => ({
      type: "bar" as const,
      name: s.name,
      data: [...s.values],
      ...(s.stack ? { stack: s.stack } : {}),
    })),
  };
}

/** Values per category: reserve offers per product and hour, cost and bill splits, accuracy by
 * horizon. Stacked when series share a stack. */
export default function BarChart({
  categories,
  series,
  unit,
  formatValue,
  horizontal = false,
  ...frame
}: BarChartProps) {
  const format = useFormat();
  const option = useMemo(
    () => barOption({ categories, series, unit, formatValue, horizontal }, format),
    [categories, series, unit, formatValue, horizontal, format],
  );
  return <EChart option={option} {...frame} />;
}
