// Chart kinds, each loaded on first use (ECharts is its own chunk, never in the first route).
import { lazy, Suspense, type ComponentProps, type ComponentType } from "react";

import { Loading } from "../components/States";

function lazyChart<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  const Chart = lazy(load);
  return function LazyChart(props: P) {
    return (
      <Suspense fallback={<Loading />}>
        <Chart {...(props as ComponentProps<typeof Chart>)} />
      </Suspense>
    );
  };
}

export const StepCurveChart = lazyChart(() => import("./StepCurveChart"));
export const ScheduleChart = lazyChart(() => import("./ScheduleChart"));
export const BandChart = lazyChart(() => import("./BandChart"));
export const ParetoChart = lazyChart(() => import("./ParetoChart"));
export const HeatmapChart = lazyChart(() => import("./HeatmapChart"));
export const BarChart = lazyChart(() => import("./BarChart"));

export type { StepCurve, CurvePoint } from "./StepCurveChart";
export type { ScheduleSeries } from "./ScheduleChart";
export type { Band, BandLine } from "./BandChart";
export type { ParetoPoint } from "./ParetoChart";
export type { BarSeries } from "./BarChart";
