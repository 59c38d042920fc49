import { describe, expect, it } from "vitest";

import { makeFormatter } from "../format";
import { bandOption } from "./BandChart";
import { barOption } from "./BarChart";
import { heatmapOption } from "./HeatmapChart";
import { paretoOption } from "./ParetoChart";
import { scheduleOption } from "./ScheduleChart";
import { stepCurveOption } from "./StepCurveChart";

const en = makeFormatter("en");
const da = makeFormatter("da");

describe("step curve option", () => {
  const curve = {
    name: "00:00 CET",
    points: [
      { priceEurPerMwh: -500, volumeMw: 3.5 },
      { priceEurPerMwh: 50, volumeMw: 2 },
      { priceEurPerMwh: 120.5, volumeMw: 0.7 },
      { priceEurPerMwh: 4000, volumeMw: 0 },
    ],
  };

  it("holds the curve's price-volume pairs as steps", () => {
    const option = stepCurveOption([curve], en);
    expect(option.series).toHaveLength(1);
    expect(option.series[0]?.step).toBe("end");
    expect(option.series[0]?.data).toEqual([
      [-500, 3.5],
      [50, 2],
      [120.5, 0.7],
      [4000, 0],
    ]);
  });

  it("zooms the price axis onto the interior steps", () => {
    const option = stepCurveOption([curve], en);
    expect(option.xAxis.min).toBe(Math.floor(50 - 0.15 * 70.5));
    expect(option.xAxis.max).toBe(Math.ceil(120.5 + 0.15 * 70.5));
  });
});

describe("schedule option", () => {
  const times = ["2024-10-27T00:00:00Z", "2024-10-27T01:00:00Z"];

  it("labels the repeated 02:00 of the autumn DST day with CEST and CET", () => {
    const option = scheduleOption(
      { times, unit: "kW", series: [{ name: "Heat pump", values: [1, 2], stack: "load" }] },
      da,
    );
    expect(option.xAxis.data).toEqual(["02.00 CEST", "02.00 CET"]);
  });

  it("stacks consumers and puts the price on a second axis", () => {
    const option = scheduleOption(
      {
        times,
        unit: "kW",
        secondaryUnit: "kr./kWh",
        series: [
          { name: "Heat pump", values: [1, 2], stack: "load" },
          { name: "EV", values: [0, 3], stack: "load" },
          { name: "Price", values: [1.2, 0.9], secondary: true },
        ],
      },
      en,
    );
    expect(option.yAxis).toHaveLength(2);
    expect(option.series.map((s) => [s.name, s.stack ?? null, s.yAxisIndex])).toEqual([
      ["Heat pump", "load", 0],
      ["EV", "load", 0],
      ["Price", null, 1],
    ]);
    expect(option.series[1]?.data).toEqual([0, 3]);
  });
});

describe("band option", () => {
  it("draws a band as lower plus the lower-to-upper span, with lines on top", () => {
    const option = bandOption(
      {
        times: ["2024-01-15T00:00:00Z", "2024-01-15T01:00:00Z"],
        unit: "MW",
        bands: [{ name: "P10–P90", lower: [1, null], upper: [3, 4] }],
        lines: [{ name: "Actual", values: [2, 2.5] }],
      },
      en,
    );
    expect(option.series.map((s) => s.data)).toEqual([
      [1, null],
      [2, null],
      [2, 2.5],
    ]);
  });
});

describe("pareto option", () => {
  it("joins the front by cost and marks the chosen design", () => {
    const option = paretoOption(
      {
        points: [
          { id: "b", label: "B", x: 900, y: 1.1 },
          { id: "a", label: "A", x: 700, y: 2.0, isChosen: true },
        ],
        xName: "DKK/yr",
        yName: "t CO₂/yr",
        formatX: en.dkk,
        formatY: en.tonnesCo2,
        chosenName: "Chosen",
        frontName: "Designs",
      },
      en,
    );
    expect(option.series[0]?.data.map((d) => d.value)).toEqual([
      [700, 2.0],
      [900, 1.1],
    ]);
    expect(option.series[1]?.data.map((d) => d.id)).toEqual(["a"]);
  });
});

describe("heatmap and bar options", () => {
  it("scales the heatmap's colours over the values, including zero", () => {
    const option = heatmapOption(
      {
        xLabels: ["00:00 CET", "01:00 CET"],
        yLabels: ["50", "120"],
        cells: [
          [0, 0, 2],
          [1, 1, 0.7],
        ],
        unit: "MW",
        xName: "MTU",
        yName: "€/MWh",
      },
      en,
    );
    expect([option.visualMap.min, option.visualMap.max]).toEqual([0, 2]);
    expect(option.series[0]?.data).toEqual([
      [0, 0, 2],
      [1, 1, 0.7],
    ]);
  });

  it("keeps bar series aligned with the categories", () => {
    const option = barOption(
      {
        categories: ["mFRR up", "FCR"],
        unit: "MW",
        series: [{ name: "Offered", values: [1.5, null] }],
      },
      en,
    );
    expect(option.xAxis).toMatchObject({ type: "category", data: ["mFRR up", "FCR"] });
    expect(option.series[0]?.data).toEqual([1.5, null]);
  });
});
