import { useMemo } from "react";

import { useFormat, type Formatter } from "../format";
import { baseOption } from "./common";
import { EChart, type ChartFrameProps } from "./EChart";
import { INK } from "./palette";

export interface HeatmapChartProps extends ChartFrameProps {
  xLabels: readonly string[];
  yLabels: readonly string[];
  /** [x index, y index, value] per cell. */
  cells: readonly (readonly [number, number, number])[];
  unit: string;
  xName: string;
  yName: string;
}

export function heatmapOption(
  { xLabels, yLabels, cells, unit, xName, yName }: Omit<HeatmapChartProps, keyof ChartFrameProps>,
  format: Formatter,
) {
  const values = cells.map((cell) => cell[2]);
  return {
    ...baseOption(false),
    grid: { left: 8, right: 16, top: 24, bottom: 56, containLabel: true },
    tooltip: {
      trigger: "item" as const,
      confine: true,
      formatter: (item: { value: [number, number, number] }) =>
        `${xLabels[item.value[0]]} · ${yLabels[item.value[1]]}<br>${format.number(item.value[2], 1)} ${unit}`,
    },
    xAxis: {
      type: "category" as const,
      name: xName,
      data: [...xLabels],
      axisLabel: { color: INK, hideOverlap: true },
    },
    yAxis: {
      type: "category" as const,
      name: yName,
      data: [...yLabels],
      axisLabel: { color: INK },
    },
    visualMap: {
      min: Math.min(0, ...values),
      max: Math.max(0, ...values),
      calculable: false,
      orient: "horizontal" as const,
      left: "center",
      bottom: 0,
      text: [
        `${format.number(Math.max(0, ...values), 1)} ${unit}`,
        `${format.number(Math.min(0, ...values), 1)} ${unit}`,
      ],
      textStyle: { color: INK },
      inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] },
    },
    series: [{ type: "heatmap" as const, name: unit, data: cells.map((cell) => [...cell]) }],
  };
}

/** A grid of values (e.g. purchase volume per MTU and price level). */
export default function HeatmapChart({
  xLabels,
  yLabels,
  cells,
  unit,
  xName,
  yName,
  ...frame
}: HeatmapChartProps) {
  const format = useFormat();
  const option = useMemo(
    () => heatmapOption({ xLabels, yLabels, cells, unit, xName, yName }, format),
    [xLabels, yLabels, cells, unit, xName, yName, format],
  );
  return <EChart option={option} {...frame} />;
}
