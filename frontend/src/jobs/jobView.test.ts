import { describe, expect, it } from "vitest";

import { jobResultPath, jobSubject, type Job } from "./jobView";

const running: Job = {
  id: "Sm9iOjE=",
  kind: "HOUSEHOLD_SCHEDULE",
  status: "RUNNING",
  progressFraction: 0.5,
  progressMessage: null,
  parameters: { site_id: 7, delivery_day: "2024-10-27" },
  resultSummary: {},
  errorCode: null,
  errorMessage: null,
  attempts: 1,
  createdAt: "2024-10-26T08:00:00Z",
  startedAt: null,
  finishedAt: null,
  durationS: null,
  result: null,
};

describe("job view", () => {
  it("says the day of a running job and has no result yet", () => {
    expect(jobSubject(running)).toEqual({ name: null, day: "2024-10-27" });
    expect(jobResultPath(running)).toBeNull();
  });

  it("names the site and links the schedule once the job succeeded", () => {
    const done: Job = {
      ...running,
      status: "SUCCEEDED",
      result: {
        __typename: "HouseholdScheduleJobResult",
        householdSchedule: {
          id: "SG91c2Vob2xkU2NoZWR1bGU6MQ==",
          deliveryDay: "2024-10-27",
          site: { name: "Villa" },
        },
      },
    };
    expect(jobSubject(done)).toEqual({ name: "Villa", day: "2024-10-27" });
    expect(jobResultPath(done)).toBe("/schedules/SG91c2Vob2xkU2NoZWR1bGU6MQ==");
  });
});
