import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useGql } from "../api/hooks";
import { useSession } from "../app/session";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { OverviewDocument } from "../gql/graphql";
import { JobProgress } from "../jobs/JobProgress";
import { isActive, jobResultPath } from "../jobs/jobView";
import { useEnumLabel } from "../i18n/enumLabel";

export default function OverviewPage() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const session = useSession();
  const query = useGql(
    OverviewDocument,
    {},
    {
      refetchInterval: (q) =>
        q.state.data?.recentJobs.edges.some((e) => isActive(e.node)) ? 2000 : false,
    },
  );
  const cards = [
    {
      to: "/pools",
      title: t("overview.pools"),
      text: t("overview.poolsText"),
      show: session.hasPools,
    },
    {
      to: "/sites",
      title: t("overview.households"),
      text: t("overview.householdsText"),
      show: session.hasHouseholds,
    },
    { to: "/prices", title: t("overview.prices"), text: t("overview.pricesText"), show: true },
  ];
  return (
    <>
      <PageHeader
        title={t("overview.title")}
        subtitle={t("overview.welcome", { tenant: session.me.tenant?.name ?? "" })}
      />
      <div className="grid">
        {cards
          .filter((card) => card.show)
          .map((card) => (
            <section className="panel" key={card.to}>
              <h2>
                <Link to={card.to}>{card.title}</Link>
              </h2>
              <p>{card.text}</p>
            </section>
          ))}
      </div>
      <section className="panel">
        <h2>{t("overview.jobsTitle")}</h2>
        <QueryView
          query={query}
          isEmpty={(data) => data.recentJobs.edges.length === 0}
          empty={t("jobs.none")}
        >
          {(data) => (
            <>
              <ul className="stack">
                {data.recentJobs.edges.map(({ node: job }) => {
                  const path = jobResultPath(job);
                  return (
                    <li key={job.id}>
                      <strong>{label("jobs.kinds", job.kind)}</strong>
                      {path && (
                        <>
                          {" "}
                          <Link to={path}>{t("jobs.openResult")}</Link>
                        </>
                      )}
                      <JobProgress job={job} />
                    </li>
                  );
                })}
              </ul>
              <Link to="/jobs">{t("overview.allJobs", { count: data.recentJobs.totalCount })}</Link>
            </>
          )}
        </QueryView>
      </section>
    </>
  );
}
