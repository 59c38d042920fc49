import { useMemo } from "react";

import { useFormat, type Formatter } from "../format";
import { baseOption, valueAxis } from "./common";
import { EChart, type ChartFrameProps } from "./EChart";

export interface CurvePoint {
  priceEurPerMwh: number;
  volumeMw: number;
}

export interface StepCurve {
  name: string;
  /** Price-quantity pairs of one curve, in the order the market reads them. */
  points: readonly CurvePoint[];
}

/** The x range that shows the curves' interior steps: Nord Pool curves open at -500 and close
 * at 4000 EUR/MWh, which would squash every step in between against one edge. */
function priceWindow(curves: readonly StepCurve[]): { min?: number; max?: number } {
  const interior = curves.flatMap((curve) =>
    curve.points.slice(1, -1).map((point) => point.priceEurPerMwh),
  );
  if (interior.length === 0) return {};
  const low = Math.min(...interior);
  const high = Math.max(...interior);
  const margin = Math.max(10, (high - low) * 0.15);
  return { min: Math.floor(low - margin), max: Math.ceil(high + margin) };
}

export function stepCurveOption(curves: readonly StepCurve[], format: Formatter) {
  return {
    ...baseOption(curves.length > 1),
    tooltip: {
      trigger: "item" as const,
      confine: true,
      formatter: (item: { seriesName: string; value: [number, number] }) =>
        `${item.seriesName}<br>${format.eurPerMwh(item.value[0])}: ${format.mw(item.value[1])}`,
    },
    xAxis: {
      ...valueAxis("€/MWh", (v) => format.number(v, 0)),
      ...priceWindow(curves),
      nameLocation: "middle" as const,
      nameGap: 28,
    },
    yAxis: valueAxis("MW", (v) => format.number(v, 1)),
    series: curves.map((curve) => ({
      type: "line" as const,
      name: curve.name,
      step: "end" as const,
      symbolSize: 5,
      data: curve.points.map((point) => [point.priceEurPerMwh, point.volumeMw]),
    })),
  };
}

/** Day-ahead price-quantity curves as steps: purchase volume [MW] against price [EUR/MWh]. */
export default function StepCurveChart({
  curves,
  ...frame
}: ChartFrameProps & { curves: readonly StepCurve[] }) {
  const format = useFormat();
  const option = useMemo(() => stepCurveOption(curves, format), [curves, format]);
  return <EChart option={option} {...frame} />;
}
