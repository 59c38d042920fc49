import { useMemo } from "react";

import { useFormat, type Formatter } from "../format";
import { baseOption, valueAxis } from "./common";
import { EChart, type ChartFrameProps } from "./EChart";
import { PALETTE } from "./palette";

export interface ParetoPoint {
  id: string;
  label: string;
  x: number;
  y: number;
  isChosen?: boolean;
}

export interface ParetoChartProps extends ChartFrameProps {
  points: readonly ParetoPoint[];
  xName: string;
  yName: string;
  formatX: (value: number) => string;
  formatY: (value: number) => string;
  chosenName: string;
  frontName: string;
}

export function paretoOption(
  {
    points,
    xName,
    yName,
    formatX,
    formatY,
    chosenName,
    frontName,
  }: Omit<ParetoChartProps, keyof ChartFrameProps>,
  format: Formatter,
) {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const asDatum = (point: ParetoPoint) => ({
    value: [point.x, point.y],
    name: point.label,
    id: point.id,
  });
  return {
    ...baseOption(true),
    tooltip: {
      trigger: "item" as const,
      confine: true,
      formatter: (item: { name: string; value: [number, number] }) =>
        `${item.name}<br>${xName}: ${formatX(item.value[0])}<br>${yName}: ${formatY(item.value[1])}`,
    },
    xAxis: { ...valueAxis(xName, (v) => format.number(v, 0)), scale: true },
    yAxis: { ...valueAxis(yName, (v) => format.number(v, 1)), scale: true },
    series: [
      {
        type: "line" as const,
        name: frontName,
        data: sorted.map(asDatum),
        symbolSize: 9,
        color: PALETTE[0],
      },
      {
        type: "scatter" as const,
        name: chosenName,
        data: sorted.filter((point) => point.isChosen).map(asDatum),
        symbol: "diamond",
        symbolSize: 18,
        color: PALETTE[1],
        z: 5,
      },
    ],
  };
}

/** Designs of a sizing study: cost against CO2, the front joined, the chosen design marked. */
export default function ParetoChart({
  points,
  xName,
  yName,
  formatX,
  formatY,
  chosenName,
  frontName,
  ...frame
}: ParetoChartProps) {
  const format = useFormat();
  const option = useMemo(
    () => paretoOption({ points, xName, yName, formatX, formatY, chosenName, frontName }, format),
    [points, xName, yName, formatX, formatY, chosenName, frontName, format],
  );
  return <EChart option={option} {...frame} />;
}
