import { describe, expect, it } from "vitest";

import {
  copenhagenDay,
  copenhagenOffsetMinutes,
  copenhagenToday,
  deliveryDayHours,
  isDstTransitionDay,
  makeFormatter,
  zoneAbbreviation,
} from "./index";

describe("Copenhagen time", () => {
  it("gives the zone offset and abbreviation on both sides of the autumn change", () => {
    // 2024-10-27: 01:00 UTC is 02:00 CET, the repeated hour; 00:00 UTC is 02:00 CEST
    expect(copenhagenOffsetMinutes("2024-10-27T00:00:00Z")).toBe(120);
    expect(copenhagenOffsetMinutes("2024-10-27T01:00:00Z")).toBe(60);
    expect(zoneAbbreviation("2024-10-27T00:45:00Z")).toBe("CEST");
    expect(zoneAbbreviation("2024-10-27T01:00:00Z")).toBe("CET");
  });

  it("counts 23, 24 and 25 hours in delivery days", () => {
    expect(deliveryDayHours("2024-03-31")).toBe(23);
    expect(deliveryDayHours("2024-06-01")).toBe(24);
    expect(deliveryDayHours("2024-10-27")).toBe(25);
    expect(isDstTransitionDay("2024-10-27")).toBe(true);
    expect(isDstTransitionDay("2024-10-28")).toBe(false);
  });

  it("finds the local day of an instant, not the UTC one", () => {
    expect(copenhagenDay("2024-01-14T23:30:00Z")).toBe("2024-01-15");
    expect(copenhagenToday(1, new Date("2024-12-31T23:30:00Z"))).toBe("2025-01-02");
  });
});

describe("formatter", () => {
  const en = makeFormatter("en");
  const da = makeFormatter("da");

  it("labels the two 02:00 of the autumn DST day apart, in both languages", () => {
    expect(en.time("2024-10-27T00:00:00Z")).toBe("02:00 CEST");
    expect(en.time("2024-10-27T01:00:00Z")).toBe("02:00 CET");
    expect(da.time("2024-10-27T00:45:00Z")).toBe("02.45 CEST");
    expect(da.time("2024-10-27T01:45:00Z")).toBe("02.45 CET");
  });

  it("writes pool power in MW with one decimal and household power in kW", () => {
    expect(en.mw(12.345)).toBe("12.3\u00a0MW");
    expect(da.mw(1234.56)).toBe("1.234,6\u00a0MW");
    expect(da.kw(2.5)).toBe("2,50\u00a0kW");
  });

  it("writes households' money in DKK and markets' in EUR, Danish style in Danish", () => {
    expect(da.dkk(1234.5)).toBe("1.234,50\u00a0kr.");
    expect(da.eur(1234.5)).toBe("1.234,50\u00a0€");
    expect(en.eur(1234.5)).toBe("€1,234.50");
    expect(da.eurPerMwh(85.123)).toBe("85,12\u00a0€/MWh");
  });

  it("writes days in words and durations in minutes and seconds", () => {
    expect(en.day("2024-10-27")).toBe("Sunday, 27 October 2024");
    expect(da.day("2024-10-27")).toBe("søndag den 27. oktober 2024");
    expect(en.duration(65.4)).toBe("1\u00a0min 5\u00a0s");
    expect(en.duration(4)).toBe("4\u00a0s");
  });
});
