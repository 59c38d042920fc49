// Reading market results the user pastes or uploads: a list of numbers (one per MTU), or an
// exchange-style CSV with a header naming a price column and/or a volume column. Only parsing:
// the API validates the values against the plan (count, ranges) and names the field if wrong.

export interface ParsedResults {
  pricesEurPerMwh: number[] | null;
  volumesMw: number[] | null;
}

function number(token: string, decimalComma: boolean): number {
  const text = token.trim().replace(/^"|"$/g, "");
  const normalised = decimalComma ? text.replace(/\./g, "").replace(",", ".") : text;
  const value = Number(normalised);
  if (text === "" || !Number.isFinite(value)) throw new Error(`not a number: "${token.trim()}"`);
  return value;
}

/** Numbers separated by new lines, spaces or semicolons; a decimal comma is accepted. */
export function parseNumberList(text: string): number[] {
  const tokens = text.split(/[\s;]+/).filter((token) => token.trim() !== "");
  return tokens.map((token) => number(token, /,/.test(token) && !/\./.test(token)));
}

/** A CSV whose header has a column with "price" and/or one with "volume" in its name. */
export function parseResultsCsv(text: string): ParsedResults {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = lines.shift();
  if (!header) throw new Error("the file is empty");
  const delimiter = header.includes(";") ? ";" : ",";
  const names = header.split(delimiter).map((name) => name.trim().toLowerCase());
  const priceColumn = names.findIndex((name) => name.includes("price"));
  const volumeColumn = names.findIndex((name) => name.includes("volume"));
  if (priceColumn < 0 && volumeColumn < 0)
    throw new Error("the header names no price or volume column");
  const rows = lines.map((line) => line.split(delimiter));
  const column = (index: number) =>
    index < 0 ? null : rows.map((cells) => number(cells[index] ?? "", delimiter === ";"));
  return { pricesEurPerMwh: column(priceColumn), volumesMw: column(volumeColumn) };
}
