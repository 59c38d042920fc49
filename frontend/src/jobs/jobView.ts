// What a job is for and where its result is, in words and links. Pure functions over the API's
// job object, so the jobs centre and every page with a job banner say the same thing.
import type { JobFieldsFragment } from "../gql/graphql";

export type Job = JobFieldsFragment;

export const ACTIVE_STATUSES: readonly Job["status"][] = ["QUEUED", "RUNNING"];

export function isActive(job: Pick<Job, "status">): boolean {
  return ACTIVE_STATUSES.includes(job.status);
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/** The delivery day or year the job works on, if its parameters say. */
export function jobDay(job: Job): string | null {
  const parameters = record(job.parameters);
  const day = parameters["delivery_day"] ?? parameters["deliveryDay"];
  if (typeof day === "string") return day;
  const year = parameters["year"];
  return typeof year === "number" || typeof year === "string" ? String(year) : null;
}

/** Portal path of the job's result, if it has one. */
export function jobResultPath(job: Job): string | null {
  if (job.status !== "SUCCEEDED") return null;
  const summary = record(job.resultSummary);
  const id = (key: string) => {
    const value = summary[key];
    return typeof value === "string" || typeof value === "number"
      ? encodeURIComponent(String(value))
      : null;
  };
  const links: [string, string][] = [
    ["bidPlanId", "/bid-plans/"],
    ["poolDispatchId", "/dispatches/"],
    ["forecastRunId", "/forecasts/"],
    ["householdScheduleId", "/schedules/"],
    ["sizingStudyId", "/sizing/"],
  ];
  for (const [key, prefix] of links) {
    const value = id(key);
    if (value) return prefix + value;
  }
  return null;
}
