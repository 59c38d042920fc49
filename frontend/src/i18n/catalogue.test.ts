// @vitest-environment node
import { readFileSync } from "node:fs";

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

describe("enum labels", () => {
  const schema = readFileSync(new URL("../../../schema.graphql", import.meta.url), "utf8");
  const enumValues = (name: string) => {
    const body = new RegExp(`^enum ${name} \\{([\\s\\S]*?)^\\}`, "m").exec(schema)?.[1] ?? "";
    return body
      .replace(/"""[\s\S]*?"""/g, "")
      .split("\n")
      .map((line) => line.trim().split(/\s/)[0] ?? "")
      .filter((word) => /^[A-Z][A-Z0-9_]*$/.test(word));
  };
  const groups: [Record<string, string>, string][] = [
    [en.roles, "Role"],
    [en.tenantKinds, "TenantKind"],
    [en.admin.scopeNames, "Scope"],
    [en.jobs.kinds, "JobKind"],
    [en.jobs.statuses, "JobStatus"],
    [en.jobs.errorCodes, "ErrorCode"],
    [en.bidPlans.statuses, "BidPlanStatus"],
    [en.bidPlans.actions, "BidPlanAction"],
    [en.bidPlans.bidStatuses, "BidStatus"],
    [en.bidPlans.scenarioSources, "ScenarioSource"],
    [en.forecasts.models, "ForecastModel"],
    [en.dispatch.reasons, "DispatchDeviationReason"],
  ];

  it.each(groups)("label only values the schema's enum has (%#)", (labels, name) => {
    const values = enumValues(name);
    expect(values.length, name).toBeGreaterThan(0);
    expect(
      Object.keys(labels).filter((key) => !values.includes(key)),
      name,
    ).toEqual([]);
  });
});
