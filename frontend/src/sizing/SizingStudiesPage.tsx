import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useGql } from "../api/hooks";
import { pathId } from "../api/ids";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import { SizingStudiesDocument } from "../gql/graphql";
import { JobStatusBadge } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";

export default function SizingStudiesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useGql(
    SizingStudiesDocument,
    {},
    {
      refetchInterval: (q) =>
        q.state.data?.sizingStudies.edges.some((e) => isActive(e.node.job)) ? 2000 : false,
    },
  );
  return (
    <>
      <PageHeader
        title={t("sizing.title")}
        subtitle={
          <>
            {t("sizing.intro")} <Link to="/sites">{t("household.title")}</Link>
          </>
        }
      />
      <QueryView
        query={query}
        isEmpty={(data) => data.sizingStudies.edges.length === 0}
        empty={t("sizing.none")}
      >
        {(data) => (
          <section className="panel">
            <TableScroll label={t("sizing.title")}>
              <table data-testid="sizing-studies">
                <thead>
                  <tr>
                    <th scope="col">{t("sizing.study")}</th>
                    <th scope="col">{t("jobs.status")}</th>
                    <th scope="col" className="num">
                      {t("sizing.total")}
                    </th>
                    <th scope="col" className="num">
                      {t("sizing.emissions")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {[...data.sizingStudies.edges].reverse().map(({ node: study }) => (
                    <tr key={study.id}>
                      <td>
                        <Link to={`/sizing/${pathId(study.id)}`}>
                          {t("sizing.studyTitle", { site: study.site.name, year: study.year })}
                        </Link>
                      </td>
                      <td>
                        <JobStatusBadge status={study.job.status} />
                      </td>
                      <td className="num">
                        {study.annualCost
                          ? format.dkk(
                              study.annualCost.totalEur *
                                (study.exchangeRateDkkPerEur ?? data.exchangeRate.dkkPerEur),
                            )
                          : "—"}
                      </td>
                      <td className="num">
                        {study.emissionsKgCo2PerYear == null
                          ? "—"
                          : format.kgCo2(study.emissionsKgCo2PerYear)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
        )}
      </QueryView>
    </>
  );
}
