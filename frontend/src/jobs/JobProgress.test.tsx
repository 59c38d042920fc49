import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWith } from "../test/render";
import { JobProgress } from "./JobProgress";
import type { Job } from "./jobView";

const base: Job = {
  id: "Sm9iOjE=",
  kind: "BID_PLAN",
  status: "RUNNING",
  progressFraction: 0.4,
  progressMessage: "solving the reserve stage",
  parameters: { pool_id: 1, delivery_day: "2024-10-27" },
  resultSummary: {},
  errorCode: null,
  errorMessage: null,
  attempts: 1,
  createdAt: "2024-10-26T08:00:00Z",
  startedAt: "2024-10-26T08:00:01Z",
  finishedAt: null,
  durationS: null,
  result: null,
};

describe("JobProgress", () => {
  it("shows a running job's progress bar and message", () => {
    renderWith(<JobProgress job={base} />);
    expect(screen.getByRole("progressbar", { name: "Progress" })).toHaveAttribute("value", "40");
    expect(screen.getByTestId("job-sentence")).toHaveTextContent(
      "Running: solving the reserve stage",
    );
  });

  it("says a finished job is finished, with its duration", () => {
    renderWith(<JobProgress job={{ ...base, status: "SUCCEEDED", durationS: 75 }} />);
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(screen.getByTestId("job-sentence")).toHaveTextContent("Finished in 1 min 15 s.");
  });

  it("explains a failure's code in words, then the server's reason, in Danish too", () => {
    const failed: Job = {
      ...base,
      status: "FAILED",
      errorCode: "INFEASIBLE",
      errorMessage: "heat balance of pool P at 02:00 CET",
    };
    renderWith(<JobProgress job={failed} />, { language: "da" });
    expect(screen.getByTestId("job-sentence")).toHaveTextContent(
      "Fejlede: Optimeringen har ingen gyldig løsning: heat balance of pool P at 02:00 CET",
    );
    expect(screen.getByTestId("job-status")).toHaveTextContent("Fejlet");
  });
});
