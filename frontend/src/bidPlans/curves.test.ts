import { describe, expect, it } from "vitest";

import { makeFormatter } from "../format";
import { curveGrid, MAX_PRICE_LEVELS, volumeAt } from "./curves";

const curve = {
  deliveryStartAt: "2024-01-14T23:00:00Z",
  points: [
    { priceEurPerMwh: -500, volumeMw: 3.5 },
    { priceEurPerMwh: 50, volumeMw: 2 },
    { priceEurPerMwh: 120.5, volumeMw: 0.7 },
    { priceEurPerMwh: 4000, volumeMw: 0 },
  ],
};

describe("curve overview", () => {
  it("reads a step curve's volume at a price", () => {
    expect(volumeAt(curve, -600)).toBe(3.5);
    expect(volumeAt(curve, 49.99)).toBe(3.5);
    expect(volumeAt(curve, 50)).toBe(2);
    expect(volumeAt(curve, 4000)).toBe(0);
  });

  it("lays every MTU against the curves' interior price levels", () => {
    const second = { ...curve, deliveryStartAt: "2024-01-15T00:00:00Z" };
    const grid = curveGrid([curve, second], makeFormatter("da"));
    expect(grid.xLabels).toEqual(["00.00 CET", "01.00 CET"]);
    expect(grid.yLabels).toEqual(["50,00", "120,50"]);
    expect(grid.cells).toEqual([
      [0, 0, 2],
      [0, 1, 0.7],
      [1, 0, 2],
      [1, 1, 0.7],
    ]);
  });

  it("thins many price levels to evenly spaced ones between the lowest and highest", () => {
    const many = {
      deliveryStartAt: "2024-01-14T23:00:00Z",
      points: [
        { priceEurPerMwh: -500, volumeMw: 5 },
        ...Array.from({ length: 40 }, (_, i) => ({ priceEurPerMwh: 10 + i, volumeMw: 4 - i / 10 })),
        { priceEurPerMwh: 4000, volumeMw: 0 },
      ],
    };
    const grid = curveGrid([many], makeFormatter("en"));
    expect(grid.yLabels).toHaveLength(MAX_PRICE_LEVELS);
    expect(grid.yLabels[0]).toBe("10.00");
    expect(grid.yLabels[MAX_PRICE_LEVELS - 1]).toBe("49.00");
    expect(grid.cells[0]).toEqual([0, 0, 4]);
  });
});
