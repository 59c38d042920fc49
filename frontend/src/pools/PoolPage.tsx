import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useGql } from "../api/hooks";
import { pathId } from "../api/ids";
import { useSession } from "../app/session";
import { BidPlanStatusBadge } from "../bidPlans/BidPlanStatusBadge";
import { RequestBidPlanForm } from "../bidPlans/BidPlansPage";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import { BidPlanFormOptionsDocument, PoolDocument, type PoolQuery } from "../gql/graphql";
import { JobStatusBadge } from "../jobs/JobProgress";

function PoolView({ data }: { data: PoolQuery }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const pool = data.pool;
  const pumpIds = new Set(pool.heatPumps.map((pump) => pump.id));
  const siteIds = new Set(pool.heatPumps.map((pump) => pump.site.id));
  const storages = data.thermalStorages.edges
    .map((edge) => edge.node)
    .filter((tank) => tank.heatPump && pumpIds.has(tank.heatPump.id));
  const backups = data.backupHeaters.edges
    .map((edge) => edge.node)
    .filter((heater) => siteIds.has(heater.site.id));
  const plans = data.bidPlans.edges
    .map((edge) => edge.node)
    .filter((plan) => plan.pool.id === pool.id)
    .reverse();
  const options = useGql(BidPlanFormOptionsDocument, {}, { enabled: session.can("WRITE") });
  const account = pool.marketAccount;
  return (
    <>
      <PageHeader
        title={pool.name}
        subtitle={`${pool.biddingZone} · ${account.name} · ${
          pool.retiredAt
            ? t("pools.retired", { at: format.dateTime(pool.retiredAt) })
            : t("pools.inService")
        }`}
      />
      <dl className="stats">
        <div className="stat">
          <dt>{t("pools.members")}</dt>
          <dd data-testid="member-count">{pool.heatPumps.length}</dd>
        </div>
        <div className="stat">
          <dt>{t("pools.capacity")}</dt>
          <dd data-testid="pool-capacity">
            {format.mw(pool.heatPumps.reduce((sum, pump) => sum + pump.powerMaxKw, 0) / 1000)}
          </dd>
        </div>
      </dl>
      <section className="panel">
        <h2>{t("pools.unitsTitle")}</h2>
        <TableScroll label={t("pools.unitsTitle")}>
          <table data-testid="units">
            <thead>
              <tr>
                <th scope="col">{t("pools.unit")}</th>
                <th scope="col">{t("pools.site")}</th>
                <th scope="col" className="num">
                  {t("pools.powerRange")}
                </th>
              </tr>
            </thead>
            <tbody>
              {pool.heatPumps.map((pump) => (
                <tr key={pump.id}>
                  <td>{pump.name}</td>
                  <td>{pump.site.name}</td>
                  <td className="num">
                    {format.mw(pump.powerMinKw / 1000)} – {format.mw(pump.powerMaxKw / 1000)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
      <section className="panel">
        <h2>{t("pools.storageTitle")}</h2>
        {storages.length + backups.length === 0 ? (
          <EmptyState>{t("pools.noStorage")}</EmptyState>
        ) : (
          <TableScroll label={t("pools.storageTitle")}>
            <table data-testid="storage">
              <tbody>
                {storages.map((tank) => (
                  <tr key={tank.id}>
                    <th scope="row">{t("pools.storage")}</th>
                    <td>{tank.name}</td>
                    <td className="num">{format.mwh(tank.capacityKwh / 1000)}</td>
                  </tr>
                ))}
                {backups.map((heater) => (
                  <tr key={heater.id}>
                    <th scope="row">{t("pools.backup")}</th>
                    <td>{heater.name}</td>
                    <td className="num">
                      {format.mw(heater.heatPowerMaxKw / 1000)} ·{" "}
                      {format.eurPerMwh(heater.heatCostEurPerMwh)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <section className="panel">
        <h2>{t("pools.accountTitle")}</h2>
        <dl className="stats">
          <div className="stat">
            <dt>{t("pools.account")}</dt>
            <dd>
              {account.name} ({account.biddingZone})
            </dd>
          </div>
          <div className="stat">
            <dt>{t("pools.brp")}</dt>
            <dd>{account.balanceResponsiblePartyId ?? "—"}</dd>
          </div>
          <div className="stat">
            <dt>{t("pools.bsp")}</dt>
            <dd>{account.balancingServiceProviderId ?? "—"}</dd>
          </div>
        </dl>
        <h3>{t("pools.products")}</h3>
        <ul data-testid="products">
          {account.enabledProducts.map((product) => (
            <li key={product.code}>
              {product.name} (
              {product.isCapacityProduct ? t("pools.capacityProduct") : t("pools.energyProduct")})
            </li>
          ))}
        </ul>
        <h3>{t("pools.membershipsTitle")}</h3>
        <TableScroll label={t("pools.membershipsTitle")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("pools.unit")}</th>
                <th scope="col">{t("pools.from")}</th>
                <th scope="col">{t("pools.to")}</th>
              </tr>
            </thead>
            <tbody>
              {pool.memberships.map((membership) => (
                <tr key={membership.id}>
                  <td>{membership.heatPump.name}</td>
                  <td>{membership.validFromAt ? format.dateTime(membership.validFromAt) : "—"}</td>
                  <td>
                    {membership.validToAt ? format.dateTime(membership.validToAt) : t("pools.open")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
      <section className="panel">
        <h2>{t("pools.plansTitle")}</h2>
        {plans.length === 0 ? (
          <EmptyState>{t("pools.noPlans")}</EmptyState>
        ) : (
          <ul data-testid="pool-plans">
            {plans.map((plan) => (
              <li key={plan.id}>
                <Link to={`/bid-plans/${pathId(plan.id)}`}>{format.day(plan.deliveryDay)}</Link>{" "}
                <BidPlanStatusBadge status={plan.status} />{" "}
                <JobStatusBadge status={plan.job.status} />
              </li>
            ))}
          </ul>
        )}
      </section>
      {session.can("WRITE") && !pool.retiredAt && options.data && (
        <section className="panel">
          <RequestBidPlanForm
            pools={options.data.pools.edges.map((edge) => edge.node)}
            poolId={pool.id}
          />
        </section>
      )}
    </>
  );
}

export default function PoolPage() {
  const { poolId = "" } = useParams();
  const query = useGql(PoolDocument, { id: poolId });
  return <QueryView query={query}>{(data) => <PoolView data={data} />}</QueryView>;
}
