import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { useGql } from "../api/hooks";
import { pathId } from "../api/ids";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import { PoolsDocument } from "../gql/graphql";

export default function PoolsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useGql(PoolsDocument, {});
  return (
    <>
      <PageHeader title={t("pools.title")} subtitle={t("pools.intro")} />
      <QueryView
        query={query}
        isEmpty={(data) => data.pools.edges.length === 0}
        empty={t("pools.none")}
      >
        {(data) => (
          <section className="panel">
            <TableScroll label={t("pools.title")}>
              <table data-testid="pools">
                <thead>
                  <tr>
                    <th scope="col">{t("pools.pool")}</th>
                    <th scope="col">{t("pools.zone")}</th>
                    <th scope="col">{t("pools.account")}</th>
                    <th scope="col" className="num">
                      {t("pools.members")}
                    </th>
                    <th scope="col" className="num">
                      {t("pools.capacity")}
                    </th>
                    <th scope="col">{t("jobs.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.pools.edges.map(({ node: pool }) => (
                    <tr key={pool.id}>
                      <td>
                        <Link to={`/pools/${pathId(pool.id)}`}>{pool.name}</Link>
                      </td>
                      <td>{pool.biddingZone}</td>
                      <td>{pool.marketAccount.name}</td>
                      <td className="num">{pool.heatPumps.length}</td>
                      <td className="num">
                        {format.mw(pool.heatPumps.reduce((sum, p) => sum + p.powerMaxKw, 0) / 1000)}
                      </td>
                      <td>
                        {pool.retiredAt
                          ? t("pools.retired", { at: format.dateTime(pool.retiredAt) })
                          : t("pools.inService")}
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
