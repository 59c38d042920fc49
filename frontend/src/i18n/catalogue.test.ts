import { describe, expect, it } from "vitest";

import { da } from "./da";
import { en } from "./en";

function leaves(value: unknown, prefix = ""): [string, string][] {
  if (typeof value === "string") return [[prefix, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leaves(child, prefix ? `${prefix}.${key}` : key),
  );
}

describe("catalogues", () => {
  it("have the same keys and the same interpolation variables", () => {
    const english = new Map(leaves(en));
    const danish = new Map(leaves(da));
    expect([...danish.keys()].sort()).toEqual([...english.keys()].sort());
    const variables = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
    for (const [key, text] of english) {
      expect(variables(danish.get(key) ?? ""), key).toEqual(variables(text));
    }
  });

  it("have no empty strings", () => {
    for (const [key, text] of [...leaves(en), ...leaves(da)]) expect(text.trim(), key).not.toBe("");
  });
});
