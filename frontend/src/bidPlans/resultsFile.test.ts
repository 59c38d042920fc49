import { describe, expect, it } from "vitest";

import { parseNumberList, parseResultsCsv } from "./resultsFile";

describe("market results input", () => {
  it("reads lists with points or decimal commas", () => {
    expect(parseNumberList("85.5\n90\n-3.25")).toEqual([85.5, 90, -3.25]);
    expect(parseNumberList("85,5; 90 ;-3,25")).toEqual([85.5, 90, -3.25]);
  });

  it("names the token that is not a number", () => {
    expect(() => parseNumberList("85.5\nabc")).toThrow('not a number: "abc"');
  });

  it("reads price and volume columns of an exchange CSV, comma or semicolon separated", () => {
    const csv =
      "delivery_start_utc,clearing_price_eur_per_mwh,accepted_volume_mw\n" +
      "2024-01-14T23:00:00Z,85.50,2.0\n2024-01-15T00:00:00Z,90.00,1.5\n";
    expect(parseResultsCsv(csv)).toEqual({ pricesEurPerMwh: [85.5, 90], volumesMw: [2, 1.5] });
    const danish = "tid;pris_price;volume\n00:00;85,50;2,0\n";
    expect(parseResultsCsv(danish)).toEqual({ pricesEurPerMwh: [85.5], volumesMw: [2] });
  });

  it("refuses a file without price or volume columns", () => {
    expect(() => parseResultsCsv("a,b\n1,2")).toThrow("the header names no price or volume column");
  });
});
