import { useEnumLabel } from "../i18n/enumLabel";
import { useTranslation } from "react-i18next";

import { useFormat } from "../format";
import { type Job } from "./jobView";

export function JobStatusBadge({ status }: { status: Job["status"] }) {
  const label = useEnumLabel();
  return (
    <span className={`badge ${status}`} data-testid="job-status" data-status={status}>
      {label("jobs.statuses", status)}
    </span>
  );
}

/** The failure reason in words: the code's explanation, then the server's message. */
export function useFailureReason() {
  const label = useEnumLabel();
  return (job: Pick<Job, "errorCode" | "errorMessage">) => {
    const explained = job.errorCode ? label("jobs.errorCodes", job.errorCode) : "";
    return [explained, job.errorMessage].filter(Boolean).join(": ");
  };
}

/** Status, progress bar and the sentence saying what happens or happened. */
export function JobProgress({ job }: { job: Job }) {
  const { t } = useTranslation();
  const format = useFormat();
  const failureReason = useFailureReason();
  const percent = Math.round(job.progressFraction * 100);
  let sentence: string;
  switch (job.status) {
    case "QUEUED":
      sentence = t("jobs.queued");
      break;
    case "RUNNING":
      sentence = t("jobs.running", { message: job.progressMessage || `${percent} %` });
      break;
    case "SUCCEEDED":
      sentence = t("jobs.finished", { duration: format.duration(job.durationS ?? 0) });
      break;
    case "FAILED":
      sentence = t("jobs.failedBecause", { reason: failureReason(job) });
      break;
    default:
      sentence = t("jobs.cancelled");
  }
  return (
    <div className="job-progress" data-testid="job-progress" data-job-id={job.id}>
      <JobStatusBadge status={job.status} />{" "}
      {(job.status === "RUNNING" || job.status === "QUEUED") && (
        <progress
          max={100}
          value={percent}
          aria-label={t("jobs.progress")}
          aria-valuetext={`${percent} %`}
        />
      )}
      <p className="job-sentence" aria-live="polite" data-testid="job-sentence">
        {sentence}
      </p>
    </div>
  );
}
