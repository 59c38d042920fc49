// Numbers, money, dates and times through Intl in the portal's locale. Times are always shown in
// Europe/Copenhagen with the zone abbreviation (CET/CEST), so the repeated 02:00-02:45 of the
// autumn DST day reads unambiguously. Units follow the platform's conventions: MW with one
// decimal for pools, kW for households, DKK for households, EUR for markets.
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { isLanguage, LOCALES, type Language } from "../i18n";

export const TIME_ZONE = "Europe/Copenhagen";

type Instant = string | number | Date;

function toDate(value: Instant): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Offset of Europe/Copenhagen from UTC at `instant`, in minutes (60 in CET, 120 in CEST). */
export function copenhagenOffsetMinutes(instant: Instant): number {
  const date = toDate(instant);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: TIME_ZONE,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((asUtc - Math.floor(date.getTime() / 60000) * 60000) / 60000);
}

/** "CET" or "CEST" at `instant` (locale-independent: Danish ICU uses the same abbreviations). */
export function zoneAbbreviation(instant: Instant): "CET" | "CEST" {
  return copenhagenOffsetMinutes(instant) === 120 ? "CEST" : "CET";
}

/** The local calendar day (YYYY-MM-DD) in Copenhagen at `instant`. */
export function copenhagenDay(instant: Instant): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE }).format(toDate(instant));
}

/** Hours in the local delivery day `day` (YYYY-MM-DD): 23, 24 or 25. */
export function deliveryDayHours(day: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const startUtc = Date.UTC(y, m - 1, d);
  const endUtc = Date.UTC(y, m - 1, d + 1);
  const start = startUtc - copenhagenOffsetMinutes(startUtc) * 60000;
  const end = endUtc - copenhagenOffsetMinutes(endUtc) * 60000;
  return Math.round((end - start) / 3600000);
}

/** UTC instants (ISO) of the start and end of the local day `day` (YYYY-MM-DD). */
export function localDayBounds(day: string): { start: string; end: string } {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const at = (utc: number) => new Date(utc - copenhagenOffsetMinutes(utc) * 60000).toISOString();
  return { start: at(Date.UTC(y, m - 1, d)), end: at(Date.UTC(y, m - 1, d + 1)) };
}

export function isDstTransitionDay(day: string): boolean {
  return deliveryDayHours(day) !== 24;
}

/** Today's local day in Copenhagen plus `offsetDays`. */
export function copenhagenToday(offsetDays = 0, now: Date = new Date()): string {
  const [y, m, d] = copenhagenDay(now).split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + offsetDays)).toISOString().slice(0, 10);
}

export interface Formatter {
  language: Language;
  locale: string;
  number(value: number, fractionDigits?: number): string;
  integer(value: number): string;
  percent(fraction: number, fractionDigits?: number): string;
  /** Pool power, one decimal: "12,3 MW". */
  mw(value: number): string;
  mwh(value: number): string;
  /** Household power: "2,35 kW". */
  kw(value: number): string;
  kwh(value: number): string;
  celsius(value: number): string;
  dkk(value: number): string;
  eur(value: number): string;
  eurPerMwh(value: number): string;
  eurPerMw(value: number): string;
  dkkPerKwh(value: number): string;
  tonnesCo2(value: number): string;
  kgCo2(value: number): string;
  /** "14:15 CEST" (da: "14.15 CEST"). */
  time(instant: Instant): string;
  /** "27 Oct 2024, 02:00 CET". */
  dateTime(instant: Instant): string;
  /** A local calendar day given as YYYY-MM-DD: "Sunday, 27 October 2024". */
  day(day: string): string;
  shortDay(day: string): string;
  /** A duration in seconds: "1 min 5 s". */
  duration(seconds: number): string;
}

export function makeFormatter(language: Language): Formatter {
  const locale = LOCALES[language];
  const fixed = (digits: number) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const one = fixed(1);
  const two = fixed(2);
  const money = (currency: string) =>
    new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 2 });
  const dkk = money("DKK");
  const eur = money("EUR");
  const clock = new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const dateAndClock = new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const longDay = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const shortDay = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
  const units = (value: number, unit: string, digits: number) =>
    `${fixed(digits).format(value)}\u00a0${unit}`;
  return {
    language,
    locale,
    number: (value, digits = 2) => fixed(digits).format(value),
    integer: (value) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value),
    percent: (fraction, digits = 1) =>
      new Intl.NumberFormat(locale, {
        style: "percent",
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(fraction),
    mw: (value) => `${one.format(value)}\u00a0MW`,
    mwh: (value) => `${one.format(value)}\u00a0MWh`,
    kw: (value) => `${two.format(value)}\u00a0kW`,
    kwh: (value) => `${two.format(value)}\u00a0kWh`,
    celsius: (value) => `${one.format(value)}\u00a0°C`,
    dkk: (value) => dkk.format(value),
    eur: (value) => eur.format(value),
    eurPerMwh: (value) => units(value, "€/MWh", 2),
    eurPerMw: (value) => units(value, "€/MW", 2),
    dkkPerKwh: (value) => units(value, "kr./kWh", 2),
    tonnesCo2: (value) => units(value, "t CO₂", 2),
    kgCo2: (value) => units(value, "kg CO₂", 1),
    time: (instant) => `${clock.format(toDate(instant))} ${zoneAbbreviation(instant)}`,
    dateTime: (instant) => `${dateAndClock.format(toDate(instant))} ${zoneAbbreviation(instant)}`,
    day: (day) => longDay.format(new Date(`${day}T00:00:00Z`)),
    shortDay: (day) => shortDay.format(new Date(`${day}T00:00:00Z`)),
    duration: (seconds) => {
      const whole = Math.max(0, Math.round(seconds));
      const minutes = Math.floor(whole / 60);
      const rest = whole % 60;
      return minutes > 0 ? `${minutes}\u00a0min ${rest}\u00a0s` : `${rest}\u00a0s`;
    },
  };
}

/** The formatter of the current UI language. */
export function useFormat(): Formatter {
  const { i18n } = useTranslation();
  const language = isLanguage(i18n.language) ? i18n.language : "en";
  return useMemo(() => makeFormatter(language), [language]);
}
