// The one ECharts host: creates the instance, follows the container's size, and describes the
// chart for screen readers. Each chart kind (StepCurveChart, StackedScheduleChart, ...) builds
// its option from typed data and renders through this.
import { useEffect, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { echarts, type ChartOption } from "./echarts";

export interface ChartFrameProps {
  /** What the chart shows, for the figure caption and screen readers. */
  title: string;
  /** Test hook and stable name of the chart on its page. */
  testId: string;
  height?: number;
  /** The same data as a table, behind a disclosure (keyboard and screen-reader users). */
  table?: ReactNode;
  caption?: ReactNode;
}

export function EChart({
  option,
  title,
  testId,
  height = 320,
  table,
  caption,
}: ChartFrameProps & { option: ChartOption }) {
  const { t } = useTranslation();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);

  useEffect(() => {
    const host = element.current;
    if (!host) return;
    const instance = echarts.init(host, undefined, { renderer: "canvas" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(host);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      { aria: { enabled: true, label: { description: title } }, animation: false, ...option },
      { notMerge: true },
    );
  }, [option, title]);

  return (
    <figure className="chart" data-testid={testId}>
      <div
        ref={element}
        className="chart-canvas"
        style={{ height }}
        role="img"
        aria-label={title}
        data-chart={testId}
      />
      <figcaption>{caption ?? title}</figcaption>
      {table && (
        <details>
          <summary>{t("states.showTable")}</summary>
          {table}
        </details>
      )}
    </figure>
  );
}
