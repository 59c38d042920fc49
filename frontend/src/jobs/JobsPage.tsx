import { useEnumLabel } from "../i18n/enumLabel";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useGql, useGqlMutation } from "../api/hooks";
import { useSession } from "../app/session";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import { JobCancelDocument, JobsDocument, type JobStatus } from "../gql/graphql";
import { JobProgress } from "./JobProgress";
import { isActive, jobResultPath, jobSubject, type Job } from "./jobView";

const STATUSES: JobStatus[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];
const POLL_ACTIVE_MS = 1000;
const POLL_IDLE_MS = 2000;

function JobKindName({ kind }: { kind: Job["kind"] }) {
  const label = useEnumLabel();
  return <>{label("jobs.kinds", kind)}</>;
}

function CancelButton({ job }: { job: Job }) {
  const { t } = useTranslation();
  const cancel = useGqlMutation(JobCancelDocument);
  return (
    <button
      type="button"
      className="danger"
      disabled={cancel.isPending}
      onClick={() => cancel.mutate({ id: job.id })}
      aria-label={`${t("jobs.cancel")}: ${job.id}`}
    >
      {cancel.isPending ? t("jobs.cancelling") : t("jobs.cancel")}
    </button>
  );
}

export function JobsTable({ jobs }: { jobs: Job[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  return (
    <TableScroll label={t("jobs.title")}>
      <table data-testid="jobs-table">
        <thead>
          <tr>
            <th scope="col">{t("jobs.kind")}</th>
            <th scope="col">{t("jobs.subject")}</th>
            <th scope="col">{t("jobs.status")}</th>
            <th scope="col">{t("jobs.created")}</th>
            <th scope="col">{t("jobs.result")}</th>
            {session.can("WRITE") && <th scope="col">{t("jobs.actions")}</th>}
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => {
            const result = jobResultPath(job);
            const subject = jobSubject(job);
            return (
              <tr key={job.id} data-job-id={job.id} data-status={job.status}>
                <td>
                  <JobKindName kind={job.kind} />
                </td>
                <td data-testid="job-subject">
                  {[
                    subject.name,
                    subject.day?.length === 10
                      ? format.shortDay(subject.day)
                      : subject.day && subject.day.length > 10
                        ? format.dateTime(subject.day)
                        : subject.day,
                  ]
                    .filter(Boolean)
                    .join(" · ") || "—"}
                </td>
                <td>
                  <JobProgress job={job} />
                </td>
                <td>{format.dateTime(job.createdAt)}</td>
                <td>{result ? <Link to={result}>{t("jobs.openResult")}</Link> : "—"}</td>
                {session.can("WRITE") && <td>{isActive(job) && <CancelButton job={job} />}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

export default function JobsPage() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const [status, setStatus] = useState<JobStatus | "">("");
  const jobs = useGql(
    JobsDocument,
    { first: 50, filters: status ? { status } : null },
    {
      refetchInterval: (query) =>
        query.state.data?.jobs.edges.some((edge) => isActive(edge.node))
          ? POLL_ACTIVE_MS
          : POLL_IDLE_MS,
    },
  );
  return (
    <>
      <PageHeader title={t("jobs.title")} subtitle={t("jobs.intro")} />
      <div className="form-row">
        <div className="field">
          <label htmlFor="job-status-filter">{t("jobs.filterStatus")}</label>
          <select
            id="job-status-filter"
            value={status}
            onChange={(event) => setStatus(event.target.value as JobStatus | "")}
          >
            <option value="">{t("jobs.allStatuses")}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {label("jobs.statuses", value)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <QueryView
        query={jobs}
        isEmpty={(data) => data.jobs.edges.length === 0}
        empty={t("jobs.none")}
      >
        {(data) => <JobsTable jobs={data.jobs.edges.map((edge) => edge.node)} />}
      </QueryView>
    </>
  );
}
