import type { UseQueryResult } from "@tanstack/react-query";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { ApiError } from "../api/client";
import { renderWith } from "../test/render";
import { QueryView } from "./States";

function query<T>(state: Partial<UseQueryResult<T, ApiError>>): UseQueryResult<T, ApiError> {
  return {
    isPending: false,
    isError: false,
    data: undefined,
    error: null,
    refetch: () => Promise.resolve(),
    ...state,
  } as unknown as UseQueryResult<T, ApiError>;
}

describe("QueryView", () => {
  it("keeps the page when a background refetch fails", () => {
    const failed = query({
      isError: true,
      data: { title: "Plan" },
      error: new Error("503") as ApiError,
    });
    renderWith(<QueryView query={failed}>{(data) => <h1>{data.title}</h1>}</QueryView>);
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Plan");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the error when the query never loaded", () => {
    const failed = query<{ title: string }>({ isError: true, error: new Error("503") as ApiError });
    renderWith(<QueryView query={failed}>{(data) => <h1>{data.title}</h1>}</QueryView>);
    expect(screen.getByRole("alert")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { level: 1 })).toBeNull();
  });
});
