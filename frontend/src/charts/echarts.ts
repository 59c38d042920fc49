// Apache ECharts, tree-shaken to the chart kinds and components the portal uses. This module is
// only reached through the lazy chart wrappers, so it never weighs on the first route.
import { BarChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

declare global {
  interface Window {
    /** Read a rendered chart's option (tests and debugging: what the chart really holds). */
    ainergyChartOption?: (element: Element) => unknown;
  }
}

window.ainergyChartOption = (element) =>
  echarts.getInstanceByDom(element as HTMLElement)?.getOption();

export { echarts };
export type { EChartsCoreOption as ChartOption } from "echarts/core";
