import { useEnumLabel } from "../i18n/enumLabel";
import { pathId } from "../api/ids";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useGql, useGqlMutation } from "../api/hooks";
import { useSession } from "../app/session";
import { BarChart, BandChart, HeatmapChart, ScheduleChart, StepCurveChart } from "../charts";
import { FormError } from "../components/FormError";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { deliveryDayHours, isDstTransitionDay, useFormat } from "../format";
import { BidPlanDocument, BidPlanSubmitDocument, type BidPlanQuery } from "../gql/graphql";
import { JobProgress } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";
import { BidPlanStatusBadge } from "./BidPlanStatusBadge";
import { curveGrid } from "./curves";
import { ResultsForm } from "./ResultsForm";

type Plan = BidPlanQuery["bidPlan"];
type ExchangeRate = BidPlanQuery["exchangeRate"];
type ProductNames = Map<string, string>;

function Curves({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const format = useFormat();
  const curves = plan.dayAheadCurves;
  const [selected, setSelected] = useState(0);
  const curve = curves[Math.min(selected, curves.length - 1)];
  const grid = useMemo(() => curveGrid(curves, format), [curves, format]);
  const stepCurves = useMemo(
    () => (curve ? [{ name: format.time(curve.deliveryStartAt), points: curve.points }] : []),
    [curve, format],
  );
  if (!curve) return <p className="note">{t("bidPlans.noCurves")}</p>;
  return (
    <section className="panel">
      <h2>{t("bidPlans.curvesTitle")}</h2>
      <p>{t("bidPlans.curvesIntro")}</p>
      <div className="field">
        <label htmlFor="mtu-select">{t("bidPlans.mtuSelect")}</label>
        <select
          id="mtu-select"
          value={selected}
          onChange={(event) => setSelected(Number(event.target.value))}
        >
          {curves.map((item, index) => (
            <option key={item.bidId} value={index}>
              {format.time(item.deliveryStartAt)}
            </option>
          ))}
        </select>
      </div>
      <StepCurveChart
        curves={stepCurves}
        title={t("bidPlans.curveChart", { time: format.time(curve.deliveryStartAt) })}
        testId="curve-chart"
        table={
          <TableScroll
            label={t("bidPlans.curveChart", { time: format.time(curve.deliveryStartAt) })}
          >
            <table>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t("bidPlans.price")}
                  </th>
                  <th scope="col" className="num">
                    {t("bidPlans.volume")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {curve.points.map((point, index) => (
                  <tr key={index}>
                    <td className="num">{format.eurPerMwh(point.priceEurPerMwh)}</td>
                    <td className="num">{format.mw(point.volumeMw)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        }
      />
      <h3>{t("bidPlans.overviewTitle")}</h3>
      <HeatmapChart
        {...grid}
        unit="MW"
        xName={t("bidPlans.mtu")}
        yName="€/MWh"
        title={t("bidPlans.overviewChart", { count: curves.length })}
        testId="curve-overview"
        height={Math.max(260, 40 + grid.yLabels.length * 18)}
      />
    </section>
  );
}

function ReserveOffers({ plan, products }: { plan: Plan; products: ProductNames }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  const offers = plan.reserveOffers;
  const chart = useMemo(() => {
    const starts = [...new Set(offers.map((offer) => offer.deliveryStartAt))].sort();
    const codes = [...new Set(offers.map((offer) => offer.productCode))];
    return {
      categories: starts.map((start) => format.time(start)),
      series: codes.map((code) => ({
        name: products.get(code) ?? code,
        values: starts.map(
          (start) =>
            offers.find((offer) => offer.productCode === code && offer.deliveryStartAt === start)
              ?.capacityMw ?? null,
        ),
      })),
    };
  }, [offers, products, format]);
  return (
    <section className="panel">
      <h2>{t("bidPlans.reserveTitle")}</h2>
      {offers.length === 0 ? (
        <p>{t("bidPlans.noReserve")}</p>
      ) : (
        <BarChart
          {...chart}
          unit="MW"
          formatValue={format.mw}
          title={t("bidPlans.reserveChart")}
          testId="reserve-chart"
          table={
            <TableScroll label={t("bidPlans.reserveTitle")}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("bidPlans.product")}</th>
                    <th scope="col">{t("time.time")}</th>
                    <th scope="col" className="num">
                      {t("bidPlans.capacity")}
                    </th>
                    <th scope="col" className="num">
                      {t("bidPlans.capacityPrice")}
                    </th>
                    <th scope="col">{t("bidPlans.status")}</th>
                    <th scope="col" className="num">
                      {t("bidPlans.accepted")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {offers.map((offer) => (
                    <tr key={offer.bidId}>
                      <td>{products.get(offer.productCode) ?? offer.productCode}</td>
                      <td>{format.time(offer.deliveryStartAt)}</td>
                      <td className="num">{format.mw(offer.capacityMw)}</td>
                      <td className="num">
                        {offer.capacityPriceEurPerMwH == null
                          ? "—"
                          : format.eurPerMw(offer.capacityPriceEurPerMwH)}
                      </td>
                      <td>{label("bidPlans.bidStatuses", offer.status)}</td>
                      <td className="num">
                        {offer.acceptedCapacityMw == null
                          ? "—"
                          : format.mw(offer.acceptedCapacityMw)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          }
        />
      )}
    </section>
  );
}

function ExpectedSchedule({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const chart = useMemo(() => {
    const times = [...new Set(plan.periods.map((period) => period.startAt))].sort();
    const index = new Map(times.map((time, i) => [time, i]));
    const series = plan.units.map((unit) => {
      const values: (number | null)[] = times.map(() => null);
      for (const period of plan.periods) {
        if (period.heatPumpId === unit.heatPumpId) {
          values[index.get(period.startAt) ?? 0] = period.powerKw / 1000;
        }
      }
      return { name: unit.name, values, stack: "units" };
    });
    return { times, series };
  }, [plan]);
  return (
    <section className="panel">
      <h2>{t("bidPlans.scheduleTitle")}</h2>
      <ScheduleChart
        {...chart}
        unit="MW"
        title={t("bidPlans.scheduleChart")}
        testId="schedule-chart"
      />
    </section>
  );
}

function ExpectedInputsAndRisk({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const format = useFormat();
  const inputs = plan.expectedInputs;
  const times = useMemo(() => plan.dayAheadCurves.map((curve) => curve.deliveryStartAt), [plan]);
  // the scenario fan: one thin line per scenario behind the expectation
  const fan = useMemo(() => {
    const name = (path: Plan["scenarioPaths"][number]) =>
      t("bidPlans.scenarioLabel", {
        scenario: path.scenario + 1,
        probability: format.percent(path.probability, 0),
      });
    return {
      prices: plan.scenarioPaths.map((path) => ({
        name: name(path),
        values: path.dayAheadPriceEurPerMwh,
      })),
      heat: plan.scenarioPaths.map((path) => ({ name: name(path), values: path.heatDemandMw })),
    };
  }, [plan, t, format]);
  const risk = plan.risk;
  return (
    <section className="panel">
      <h2>{t("bidPlans.inputsTitle")}</h2>
      <p className="note">{t("bidPlans.inputsNote", { count: plan.scenarioCount })}</p>
      {inputs && (
        <div className="grid">
          <BandChart
            times={times}
            unit="€/MWh"
            lines={[
              { name: t("bidPlans.dayAheadPrice"), values: inputs.dayAheadPriceEurPerMwh },
              {
                name: t("bidPlans.imbalancePrice"),
                values: inputs.imbalancePriceEurPerMwh,
                dashed: true,
              },
            ]}
            scenarios={fan.prices}
            title={t("bidPlans.pricesChart")}
            testId="expected-prices"
          />
          <BandChart
            times={times}
            unit="MW"
            lines={[{ name: t("bidPlans.heatDemand"), values: inputs.heatDemandMw }]}
            scenarios={fan.heat}
            title={t("bidPlans.heatChart")}
            testId="expected-heat"
          />
        </div>
      )}
      {risk && (
        <>
          <h3>{t("bidPlans.riskTitle")}</h3>
          <dl className="stats">
            <div className="stat">
              <dt>{t("bidPlans.expectedCost")}</dt>
              <dd data-testid="expected-cost">{format.eur(risk.expectedCostEur)}</dd>
            </div>
            <div className="stat">
              <dt>{t("bidPlans.cvarAt", { alpha: format.percent(risk.cvarAlpha, 0) })}</dt>
              <dd data-testid="cvar">{format.eur(risk.cvarEur)}</dd>
            </div>
            <div className="stat">
              <dt>{t("bidPlans.cvarWeight")}</dt>
              <dd>{format.number(risk.cvarWeight, 2)}</dd>
            </div>
          </dl>
          <BarChart
            categories={risk.scenarioCosts.map((s) =>
              t("bidPlans.scenarioLabel", {
                scenario: s.scenario + 1,
                probability: format.percent(s.probability, 0),
              }),
            )}
            series={[
              {
                name: t("bidPlans.scenarioCost"),
                values: risk.scenarioCosts.map((s) => s.costEur),
              },
            ]}
            unit="€"
            formatValue={format.eur}
            title={t("bidPlans.scenarioChart")}
            testId="scenario-costs"
          />
          <TableScroll label={t("bidPlans.componentsTitle")}>
            <table>
              <caption>{t("bidPlans.componentsTitle")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("bidPlans.component")}</th>
                  <th scope="col" className="num">
                    {t("bidPlans.cost")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {risk.expectedComponents.map((component) => (
                  <tr key={component.component}>
                    <td>{component.component.replaceAll("_", " ")}</td>
                    <td className="num">{format.eur(component.costEur)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </section>
  );
}

function History({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  return (
    <section className="panel">
      <h2>{t("bidPlans.historyTitle")}</h2>
      {plan.dispatches.length > 0 && (
        <ul>
          {plan.dispatches.map((dispatch) => (
            <li key={dispatch.id}>
              <Link to={`/dispatches/${pathId(dispatch.id)}`}>
                {t("bidPlans.dispatchLink", {
                  version: dispatch.resultsVersion ?? 1,
                  at: format.dateTime(dispatch.createdAt),
                })}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <TableScroll label={t("bidPlans.historyTitle")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("time.time")}</th>
              <th scope="col">{t("bidPlans.action")}</th>
              <th scope="col">{t("bidPlans.status")}</th>
            </tr>
          </thead>
          <tbody>
            {plan.events.map((event) => (
              <tr key={event.id}>
                <td>{format.dateTime(event.at)}</td>
                <td>
                  {label("bidPlans.actions", event.action)}
                  {event.resultsVersion ? ` (v${event.resultsVersion})` : ""}
                </td>
                <td>{label("bidPlans.statuses", event.toStatus)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {plan.assumptions.length > 0 && (
        <>
          <h3>{t("bidPlans.assumptions")}</h3>
          <ul>
            {plan.assumptions.map((assumption) => (
              <li key={assumption}>{assumption}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Actions({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const session = useSession();
  const submit = useGqlMutation(BidPlanSubmitDocument);
  const ready = plan.job.status === "SUCCEEDED";
  if (!ready) return null;
  return (
    <div className="inline-form">
      <a className="button secondary" href={plan.nordPoolExport.csv} download>
        {t("bidPlans.downloadCsv")}
      </a>
      <a className="button secondary" href={plan.nordPoolExport.json} download>
        {t("bidPlans.downloadJson")}
      </a>
      {session.can("WRITE") && plan.status === "DRAFT" && (
        <button
          type="button"
          disabled={submit.isPending}
          onClick={() => submit.mutate({ id: plan.id })}
        >
          {t("bidPlans.submit")}
        </button>
      )}
      <FormError error={submit.error} />
    </div>
  );
}

function PlanView({
  plan,
  products,
  exchangeRate,
}: {
  plan: Plan;
  products: ProductNames;
  exchangeRate: ExchangeRate;
}) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  const session = useSession();
  const ready = plan.job.status === "SUCCEEDED";
  return (
    <>
      <PageHeader
        title={t("bidPlans.planTitle", { pool: plan.pool.name, day: format.day(plan.deliveryDay) })}
        subtitle={
          <>
            <Link to={`/pools/${pathId(plan.pool.id)}`}>{plan.pool.name}</Link> ·{" "}
            {plan.pool.biddingZone} · {plan.marketAccount.name} ·{" "}
            <BidPlanStatusBadge status={plan.status} />
          </>
        }
        actions={<Actions plan={plan} />}
      />
      {isDstTransitionDay(plan.deliveryDay) && (
        <p className="note warn">
          {t("time.dstNote", { hours: deliveryDayHours(plan.deliveryDay) })}
        </p>
      )}
      {!ready && (
        <section className="panel" aria-label={t("jobs.progress")}>
          <JobProgress job={plan.job} />
        </section>
      )}
      <dl className="stats">
        <div className="stat">
          <dt>{t("bidPlans.mtus")}</dt>
          <dd data-testid="mtu-count">
            {plan.periodCount ?? "—"} × {t("bidPlans.mtuMinutes", { minutes: plan.mtuMinutes })}
          </dd>
        </div>
        <div className="stat">
          <dt>{t("bidPlans.scenarioCount")}</dt>
          <dd>
            {plan.scenarioCount}
            {plan.scenarioSource
              ? ` (${label("bidPlans.scenarioSources", plan.scenarioSource)})`
              : ""}
          </dd>
        </div>
        <div className="stat">
          <dt>{t("bidPlans.products")}</dt>
          <dd>
            {[
              t("bidPlans.dayAhead"),
              ...plan.productCodes.map((code) => products.get(code) ?? code),
            ].join(", ")}
          </dd>
        </div>
        <div className="stat">
          <dt>{t("bidPlans.gateClosure")}</dt>
          <dd>{format.dateTime(plan.gateClosureAt)}</dd>
        </div>
        <div className="stat">
          <dt>{t("bidPlans.currency")}</dt>
          <dd data-testid="exchange-rate" title={exchangeRate.source}>
            {t("bidPlans.exchangeRate", { rate: format.number(exchangeRate.dkkPerEur, 4) })}
          </dd>
        </div>
      </dl>
      {ready && (
        <>
          <Curves plan={plan} />
          <ReserveOffers plan={plan} products={products} />
          <ExpectedSchedule plan={plan} />
          <ExpectedInputsAndRisk plan={plan} />
          {session.can("WRITE") && plan.status !== "DRAFT" && (
            <ResultsForm plan={plan} products={products} />
          )}
        </>
      )}
      <History plan={plan} />
    </>
  );
}

export default function BidPlanPage() {
  const { bidPlanId = "" } = useParams();
  const plan = useGql(
    BidPlanDocument,
    { id: bidPlanId },
    {
      refetchInterval: (query) =>
        query.state.data && isActive(query.state.data.bidPlan.job) ? 1000 : false,
    },
  );
  return (
    <QueryView query={plan}>
      {(data) => (
        <PlanView
          plan={data.bidPlan}
          exchangeRate={data.exchangeRate}
          products={new Map(data.marketProducts.map((product) => [product.code, product.name]))}
        />
      )}
    </QueryView>
  );
}
