// Presentation of a plan's day-ahead curves: labels and the all-MTU overview grid. The curves
// themselves (prices, volumes) come from the API unchanged.
import type { Formatter } from "../format";

export interface Curve {
  deliveryStartAt: string;
  points: readonly { priceEurPerMwh: number; volumeMw: number }[];
}

/** The purchase volume a step curve bids at `price`: the volume of the last point at or below it. */
export function volumeAt(curve: Curve, price: number): number {
  let volume = curve.points[0]?.volumeMw ?? 0;
  for (const point of curve.points) {
    if (point.priceEurPerMwh <= price) volume = point.volumeMw;
    else break;
  }
  return volume;
}

export const MAX_PRICE_LEVELS = 24;

/** Overview of every MTU's curve: purchase volume [MW] per MTU (x) and price level (y), at the
 * curves' own interior price points (the -500/4000 EUR/MWh ends would only add empty rows), or
 * at most MAX_PRICE_LEVELS evenly spaced levels between them when the curves have more. */
export function curveGrid(curves: readonly Curve[], format: Formatter) {
  const prices = [
    ...new Set(curves.flatMap((curve) => curve.points.slice(1, -1).map((p) => p.priceEurPerMwh))),
  ].sort((a, b) => a - b);
  const low = prices[0] ?? 0;
  const high = prices[prices.length - 1] ?? 0;
  const levels =
    prices.length <= MAX_PRICE_LEVELS
      ? prices
      : Array.from(
          { length: MAX_PRICE_LEVELS },
          (_, i) => Math.round((low + ((high - low) * i) / (MAX_PRICE_LEVELS - 1)) * 100) / 100,
        );
  const cells: [number, number, number][] = [];
  curves.forEach((curve, x) =>
    levels.forEach((level, y) => cells.push([x, y, volumeAt(curve, level)])),
  );
  return {
    xLabels: curves.map((curve) => format.time(curve.deliveryStartAt)),
    yLabels: levels.map((level) => format.number(level, 2)),
    cells,
  };
}
