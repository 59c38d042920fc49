import { pathId } from "../api/ids";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

import { useGql, useGqlMutation } from "../api/hooks";
import { useSession } from "../app/session";
import { DateField, Field, fieldError } from "../components/Field";
import { FormError } from "../components/FormError";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { copenhagenToday, useFormat } from "../format";
import {
  BidPlanFormOptionsDocument,
  BidPlanRequestDocument,
  BidPlansDocument,
  type BidPlanFormOptionsQuery,
  type MarketProductCode,
} from "../gql/graphql";
import { JobProgress } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";
import { BidPlanStatusBadge } from "./BidPlanStatusBadge";

type PoolOption = BidPlanFormOptionsQuery["pools"]["edges"][number]["node"];

export function RequestBidPlanForm({ pools, poolId }: { pools: PoolOption[]; poolId?: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const request = useGqlMutation(BidPlanRequestDocument);
  const active = pools.filter((pool) => !pool.retiredAt);
  const [pool, setPool] = useState(poolId ?? active[0]?.id ?? "");
  const [day, setDay] = useState(copenhagenToday(1));
  const [mtuMinutes, setMtuMinutes] = useState(60);
  const [scenarioCount, setScenarioCount] = useState("10");
  const capacityProducts = (id: string) =>
    active
      .find((option) => option.id === id)
      ?.marketAccount.enabledProducts.filter((product) => product.isCapacityProduct) ?? [];
  // "auto" leaves the choice to the API: the account's reserve products it has prices for
  const [productMode, setProductMode] = useState<"auto" | "none" | "choose">("auto");
  const [products, setProducts] = useState<MarketProductCode[]>([]);
  const [cvarWeight, setCvarWeight] = useState("0");
  const [cvarAlpha, setCvarAlpha] = useState("0.95");
  const [penalty, setPenalty] = useState("5");
  const [seed, setSeed] = useState("0");
  const reserveProducts = capacityProducts(pool);
  const error = request.error;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(
      {
        input: {
          poolId: pool,
          deliveryDay: day,
          mtuMinutes,
          scenarioCount: Number(scenarioCount),
          productCodes:
            productMode === "auto"
              ? null
              : productMode === "none"
                ? []
                : products.filter((code) => reserveProducts.some((p) => p.code === code)),
          cvarWeight: Number(cvarWeight),
          cvarAlpha: Number(cvarAlpha),
          imbalancePenaltyEurPerMwh: Number(penalty),
          seed: Number(seed),
        },
      },
      { onSuccess: (data) => navigate(`/bid-plans/${pathId(data.bidPlanRequest.id)}`) },
    );
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-labelledby="request-bid-plan" noValidate>
      <h2 id="request-bid-plan">{t("bidPlans.requestTitle")}</h2>
      <Field label={t("bidPlans.pool")} error={fieldError(error, "input.poolId")}>
        {(props) => (
          <select
            {...props}
            value={pool}
            onChange={(event) => setPool(event.target.value)}
            required
          >
            {active.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name} ({option.biddingZone})
              </option>
            ))}
          </select>
        )}
      </Field>
      <DateField
        label={t("bidPlans.deliveryDay")}
        hint={t("bidPlans.deliveryDayHint")}
        error={fieldError(error, "input.deliveryDay")}
        value={day}
        onChange={setDay}
        required
      />
      <fieldset className="field">
        <legend>{t("bidPlans.mtu")}</legend>
        <div className="checks">
          {[60, 15].map((minutes) => (
            <label key={minutes}>
              <input
                type="radio"
                name="mtuMinutes"
                value={minutes}
                checked={mtuMinutes === minutes}
                onChange={() => setMtuMinutes(minutes)}
              />
              {t("bidPlans.mtuMinutes", { minutes })}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="field">
        <legend>{t("bidPlans.reserveProducts")}</legend>
        <div className="checks">
          {(["auto", "none", "choose"] as const).map((value) => (
            <label key={value}>
              <input
                type="radio"
                name="productMode"
                checked={productMode === value}
                onChange={() => setProductMode(value)}
              />
              {t(`bidPlans.productModes.${value}`)}
            </label>
          ))}
        </div>
        {productMode === "choose" && (
          <div className="checks">
            {reserveProducts.map((product) => (
              <label key={product.code}>
                <input
                  type="checkbox"
                  checked={products.includes(product.code)}
                  onChange={(event) =>
                    setProducts((current) =>
                      event.target.checked
                        ? [...current, product.code]
                        : current.filter((code) => code !== product.code),
                    )
                  }
                />
                {product.name}
              </label>
            ))}
          </div>
        )}
        {fieldError(error, "input.productCodes") && (
          <span className="field-error">{fieldError(error, "input.productCodes")}</span>
        )}
      </fieldset>
      <Field
        label={t("bidPlans.scenarioCount")}
        hint={t("bidPlans.scenarioCountHint")}
        error={fieldError(error, "input.scenarioCount")}
      >
        {(props) => (
          <input
            {...props}
            type="number"
            min={1}
            max={50}
            value={scenarioCount}
            onChange={(event) => setScenarioCount(event.target.value)}
          />
        )}
      </Field>
      <fieldset className="field">
        <legend>{t("bidPlans.risk")}</legend>
        <div className="form-row">
          <Field
            label={t("bidPlans.cvarWeight")}
            hint={t("bidPlans.cvarWeightHint")}
            error={fieldError(error, "input.cvarWeight")}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                max={1}
                step={0.05}
                value={cvarWeight}
                onChange={(event) => setCvarWeight(event.target.value)}
              />
            )}
          </Field>
          <Field label={t("bidPlans.cvarAlpha")} error={fieldError(error, "input.cvarAlpha")}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={0.5}
                max={0.999}
                step={0.01}
                value={cvarAlpha}
                onChange={(event) => setCvarAlpha(event.target.value)}
              />
            )}
          </Field>
        </div>
      </fieldset>
      <details>
        <summary>{t("bidPlans.advanced")}</summary>
        <div className="form-row">
          <Field
            label={t("bidPlans.imbalancePenalty")}
            error={fieldError(error, "input.imbalancePenaltyEurPerMwh")}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                step={0.5}
                value={penalty}
                onChange={(event) => setPenalty(event.target.value)}
              />
            )}
          </Field>
          <Field label={t("bidPlans.seed")} error={fieldError(error, "input.seed")}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                value={seed}
                onChange={(event) => setSeed(event.target.value)}
              />
            )}
          </Field>
        </div>
      </details>
      <div>
        <button type="submit" disabled={request.isPending || !pool}>
          {request.isPending ? t("states.saving") : t("bidPlans.request")}
        </button>
      </div>
      <FormError error={error} />
    </form>
  );
}

function RequestPanel() {
  const { t } = useTranslation();
  const options = useGql(BidPlanFormOptionsDocument, {});
  return (
    <section className="panel">
      <QueryView
        query={options}
        isEmpty={(data) => data.pools.edges.every((edge) => edge.node.retiredAt)}
        empty={t("bidPlans.noPools")}
      >
        {(data) => <RequestBidPlanForm pools={data.pools.edges.map((edge) => edge.node)} />}
      </QueryView>
    </section>
  );
}

export default function BidPlansPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const plans = useGql(
    BidPlansDocument,
    { first: 50 },
    {
      refetchInterval: (query) =>
        query.state.data?.bidPlans.edges.some((edge) => isActive(edge.node.job)) ? 1500 : false,
    },
  );
  return (
    <>
      <PageHeader title={t("bidPlans.title")} subtitle={t("bidPlans.intro")} />
      {session.can("WRITE") && <RequestPanel />}
      <h2>{t("bidPlans.listTitle")}</h2>
      <QueryView
        query={plans}
        isEmpty={(data) => data.bidPlans.edges.length === 0}
        empty={t("bidPlans.none")}
      >
        {(data) => (
          <TableScroll label={t("bidPlans.listTitle")}>
            <table data-testid="bid-plans">
              <thead>
                <tr>
                  <th scope="col">{t("bidPlans.deliveryDay")}</th>
                  <th scope="col">{t("bidPlans.pool")}</th>
                  <th scope="col">{t("bidPlans.mtu")}</th>
                  <th scope="col">{t("bidPlans.status")}</th>
                  <th scope="col" className="num">
                    {t("bidPlans.expectedCost")}
                  </th>
                  <th scope="col" className="num">
                    {t("bidPlans.cvar")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.bidPlans.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      <Link to={`/bid-plans/${pathId(node.id)}`}>
                        {format.shortDay(node.deliveryDay)}
                      </Link>
                    </td>
                    <td>{node.pool.name}</td>
                    <td>{t("bidPlans.mtuMinutes", { minutes: node.mtuMinutes })}</td>
                    <td>
                      {isActive(node.job) || node.job.status !== "SUCCEEDED" ? (
                        <JobProgress job={node.job} />
                      ) : (
                        <BidPlanStatusBadge status={node.status} />
                      )}
                    </td>
                    <td className="num">
                      {node.risk ? format.eur(node.risk.expectedCostEur) : "—"}
                    </td>
                    <td className="num">{node.risk ? format.eur(node.risk.cvarEur) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </QueryView>
    </>
  );
}
