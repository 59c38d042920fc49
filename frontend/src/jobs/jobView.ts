// What a job is for and where its result is, in words and links. Pure functions over the API's
// job object, so the jobs centre and every page with a job banner say the same thing.
import { pathId } from "../api/ids";
import type { JobFieldsFragment } from "../gql/graphql";

export type Job = JobFieldsFragment;

export const ACTIVE_STATUSES: readonly Job["status"][] = ["QUEUED", "RUNNING"];

export function isActive(job: Pick<Job, "status">): boolean {
  return ACTIVE_STATUSES.includes(job.status);
}

function parameter(job: Job, key: string): string | null {
  const parameters = job.parameters;
  if (!parameters || typeof parameters !== "object") return null;
  const value = (parameters as Record<string, unknown>)[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

export interface JobSubject {
  /** Pool, site or series the job works on (known from its result once it succeeded). */
  name: string | null;
  /** Delivery day (YYYY-MM-DD) or year. */
  day: string | null;
}

export function jobSubject(job: Job): JobSubject {
  const result = job.result;
  switch (result?.__typename) {
    case "BidPlanJobResult":
      return { name: result.bidPlan.pool.name, day: result.bidPlan.deliveryDay };
    case "HouseholdScheduleJobResult":
      return {
        name: result.householdSchedule.site.name,
        day: result.householdSchedule.deliveryDay,
      };
    case "HouseholdSizingJobResult":
      return { name: result.sizingStudy.site.name, day: String(result.sizingStudy.year) };
    case "ForecastJobResult":
      return { name: result.forecastRun.series.key, day: parameter(job, "issued_at") };
    default:
      return {
        name: parameter(job, "series_key"),
        day: parameter(job, "delivery_day") ?? parameter(job, "year"),
      };
  }
}

/** Portal path of the job's result, if it made something the portal shows. */
export function jobResultPath(job: Job): string | null {
  const result = job.result;
  switch (result?.__typename) {
    case "BidPlanJobResult":
      return `/bid-plans/${pathId(result.bidPlan.id)}`;
    case "PoolDispatchJobResult":
      return `/dispatches/${pathId(result.poolDispatch.id)}`;
    case "ForecastJobResult":
      return `/forecasts/${pathId(result.forecastRun.id)}`;
    case "HouseholdScheduleJobResult":
      return `/schedules/${pathId(result.householdSchedule.id)}`;
    case "HouseholdSizingJobResult":
      return `/sizing/${pathId(result.sizingStudy.id)}`;
    default:
      return null;
  }
}
