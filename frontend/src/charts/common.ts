import type { Formatter } from "../format";
import { INK, LINE, MUTED, PALETTE } from "./palette";

/** Shared option parts: grid, text colours, tooltip, legend. */
export function baseOption(hasLegend: boolean) {
  return {
    color: PALETTE,
    textStyle: { color: INK, fontFamily: "system-ui, sans-serif" },
    grid: { left: 8, right: 16, top: hasLegend ? 48 : 24, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" as const, confine: true },
    legend: hasLegend
      ? {
          type: "scroll" as const,
          top: 0,
          textStyle: { color: INK },
          pageTextStyle: { color: INK },
        }
      : { show: false },
  };
}

export function valueAxis(name: string, formatter?: (value: number) => string) {
  return {
    type: "value" as const,
    name,
    nameTextStyle: { color: MUTED },
    axisLabel: { color: INK, ...(formatter ? { formatter } : {}) },
    splitLine: { lineStyle: { color: LINE } },
  };
}

/** A category axis of period starts labelled in Copenhagen time with CET/CEST. */
export function timeCategoryAxis(times: readonly string[], format: Formatter) {
  return {
    type: "category" as const,
    data: times.map((time) => format.time(time)),
    axisLabel: { color: INK, hideOverlap: true },
    axisTick: { alignWithLabel: true },
  };
}
