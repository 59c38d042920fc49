import { pathId } from "../api/ids";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useGql } from "../api/hooks";
import { BarChart, ScheduleChart } from "../charts";
import { PageHeader } from "../components/PageHeader";
import { Loading, QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import {
  DispatchPlanDocument,
  PoolDispatchDocument,
  type DispatchPlanQuery,
  type PoolDispatchQuery,
} from "../gql/graphql";
import { useEnumLabel } from "../i18n/enumLabel";
import { JobProgress } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";

type Dispatch = PoolDispatchQuery["poolDispatch"];
type Plan = DispatchPlanQuery["bidPlan"];

function DispatchView({ dispatch, data }: { dispatch: Dispatch; data: DispatchPlanQuery }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  const plan: Plan = data.bidPlan;
  const reasons = useMemo(
    () => new Map(dispatch.periods.map((p) => [Date.parse(p.periodStartAt), p.reason])),
    [dispatch],
  );
  const products = new Map(data.marketProducts.map((p) => [p.code, p.name]));
  const times = useMemo(() => plan.dayAheadCurves.map((c) => c.deliveryStartAt), [plan]);
  const prices = useMemo(
    () =>
      plan.results.find((r) => r.version === (dispatch.resultsVersion ?? 1))
        ?.dayAheadClearingPriceEurPerMwh ?? null,
    [plan, dispatch],
  );
  const chart = useMemo(() => {
    const index = new Map(times.map((time, i) => [time, i]));
    const units = new Map<string, { name: string; values: (number | null)[] }>();
    for (const setpoint of dispatch.setpoints) {
      const unit = units.get(setpoint.heatPumpId) ?? {
        name: setpoint.heatPump.name,
        values: times.map(() => null),
      };
      const i = index.get(setpoint.startAt);
      if (i !== undefined) unit.values[i] = setpoint.powerKw / 1000;
      units.set(setpoint.heatPumpId, unit);
    }
    return [
      ...[...units.values()].map((unit) => ({ ...unit, stack: "units" })),
      { name: t("dispatch.cleared"), values: dispatch.dayAheadVolumeMw, dashed: true },
      ...(prices ? [{ name: t("dispatch.price"), values: prices, secondary: true }] : []),
    ];
  }, [dispatch, times, prices, t]);
  const ready = dispatch.job.status === "SUCCEEDED";
  return (
    <>
      <PageHeader
        title={t("dispatch.title", { pool: plan.pool.name, day: format.day(plan.deliveryDay) })}
        subtitle={
          <>
            <Link to={`/bid-plans/${pathId(plan.id)}`}>{t("dispatch.planLink")}</Link> ·{" "}
            {t("dispatch.version", { version: dispatch.resultsVersion ?? 1 })} ·{" "}
            {t("dispatch.heatSource", { source: dispatch.heatDemandSource })}
          </>
        }
      />
      {!ready && (
        <section className="panel" aria-label={t("jobs.progress")}>
          <JobProgress job={dispatch.job} />
        </section>
      )}
      {ready && (
        <>
          <section className="panel">
            <h2>{t("dispatch.setpointsTitle")}</h2>
            <ScheduleChart
              times={times}
              series={chart}
              unit="MW"
              secondaryUnit="€/MWh"
              title={t("dispatch.chart")}
              testId="dispatch-chart"
            />
          </section>
          <section className="panel">
            <h2>{t("dispatch.deviationTitle")}</h2>
            <p>{t("dispatch.deviationIntro")}</p>
            <BarChart
              categories={times.map((time) => format.time(time))}
              series={[{ name: t("dispatch.deviation"), values: dispatch.deviationMw }]}
              unit="MW"
              formatValue={format.mw}
              title={t("dispatch.deviationChart")}
              testId="deviation-chart"
            />
            <TableScroll label={t("dispatch.deviationTitle")}>
              <table data-testid="deviations">
                <thead>
                  <tr>
                    <th scope="col">{t("time.time")}</th>
                    <th scope="col" className="num">
                      {t("dispatch.cleared")}
                    </th>
                    <th scope="col" className="num">
                      {t("dispatch.price")}
                    </th>
                    <th scope="col" className="num">
                      {t("dispatch.deviation")}
                    </th>
                    <th scope="col">{t("dispatch.reason")}</th>
                  </tr>
                </thead>
                <tbody>
                  {times.map((time, i) => (
                    <tr key={time}>
                      <td>{format.time(time)}</td>
                      <td className="num">{format.mw(dispatch.dayAheadVolumeMw[i] ?? 0)}</td>
                      <td className="num">
                        {prices?.[i] == null ? "—" : format.eurPerMwh(prices[i])}
                      </td>
                      <td className="num">{format.mw(dispatch.deviationMw[i] ?? 0)}</td>
                      <td>
                        {reasons.get(Date.parse(time))
                          ? label("dispatch.reasons", reasons.get(Date.parse(time)) ?? "")
                          : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </section>
          <section className="panel">
            <h2>{t("dispatch.costsTitle")}</h2>
            <TableScroll label={t("dispatch.costsTitle")}>
              <table>
                <tbody>
                  {dispatch.costs.map((cost) => (
                    <tr key={cost.component}>
                      <th scope="row">{cost.component.replaceAll("_", " ")}</th>
                      <td className="num">{format.eur(cost.costEur)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            {dispatch.reserveCapacity.length > 0 && (
              <>
                <h3>{t("dispatch.reserveTitle")}</h3>
                <BarChart
                  categories={times.map((time) => format.time(time))}
                  series={dispatch.reserveCapacity.map((reserve) => ({
                    name: products.get(reserve.productCode) ?? reserve.productCode,
                    values: reserve.capacityMw,
                    stack: "reserve",
                  }))}
                  unit="MW"
                  formatValue={format.mw}
                  title={t("dispatch.reserveChart")}
                  testId="dispatch-reserve"
                />
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}

function WithPlan({ dispatch }: { dispatch: Dispatch }) {
  const plan = useGql(DispatchPlanDocument, { id: dispatch.bidPlanId });
  return (
    <QueryView query={plan}>{(data) => <DispatchView dispatch={dispatch} data={data} />}</QueryView>
  );
}

export default function DispatchPage() {
  const { dispatchId = "" } = useParams();
  const dispatch = useGql(
    PoolDispatchDocument,
    { id: dispatchId },
    {
      refetchInterval: (query) =>
        query.state.data && isActive(query.state.data.poolDispatch.job) ? 1000 : false,
    },
  );
  if (dispatch.isPending) return <Loading />;
  return (
    <QueryView query={dispatch}>{(data) => <WithPlan dispatch={data.poolDispatch} />}</QueryView>
  );
}
