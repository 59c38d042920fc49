import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useGql } from "../api/hooks";
import { pathId } from "../api/ids";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import { SitesDocument } from "../gql/graphql";
import { JobStatusBadge } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";

export default function SitesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useGql(
    SitesDocument,
    {},
    {
      refetchInterval: (q) =>
        q.state.data?.householdSchedules.edges.some((e) => isActive(e.node.job)) ? 2000 : false,
    },
  );
  return (
    <>
      <PageHeader title={t("household.title")} subtitle={t("household.intro")} />
      <QueryView query={query}>
        {(data) => (
          <>
            <section className="panel">
              <h2>{t("household.sites")}</h2>
              {data.sites.edges.length === 0 ? (
                <EmptyState>{t("household.noSites")}</EmptyState>
              ) : (
                <TableScroll label={t("household.sites")}>
                  <table data-testid="sites">
                    <thead>
                      <tr>
                        <th scope="col">{t("household.site")}</th>
                        <th scope="col">{t("household.zone")}</th>
                        <th scope="col">{t("household.gridTariff")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.sites.edges.map(({ node: site }) => (
                        <tr key={site.id}>
                          <td>
                            <Link to={`/sites/${pathId(site.id)}`}>{site.name}</Link>
                          </td>
                          <td>{site.biddingZone}</td>
                          <td>{site.gridTariffCode ?? "—"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              )}
            </section>
            <section className="panel">
              <h2>{t("household.recentSchedules")}</h2>
              {data.householdSchedules.edges.length === 0 ? (
                <EmptyState>{t("household.noSchedules")}</EmptyState>
              ) : (
                <TableScroll label={t("household.recentSchedules")}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t("household.day")}</th>
                        <th scope="col">{t("household.site")}</th>
                        <th scope="col">{t("jobs.status")}</th>
                        <th scope="col" className="num">
                          {t("household.bill")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...data.householdSchedules.edges].reverse().map(({ node }) => (
                        <tr key={node.id}>
                          <td>
                            <Link to={`/schedules/${pathId(node.id)}`}>
                              {format.shortDay(node.deliveryDay)}
                            </Link>
                          </td>
                          <td>{node.site.name}</td>
                          <td>
                            <JobStatusBadge status={node.job.status} />
                          </td>
                          <td className="num">
                            {node.billDkk ? format.dkk(node.billDkk.totalDkk) : "—"}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              )}
            </section>
          </>
        )}
      </QueryView>
    </>
  );
}
