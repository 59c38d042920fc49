import { pathId } from "../api/ids";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { useGqlMutation } from "../api/hooks";
import { Field, fieldError } from "../components/Field";
import { FormError } from "../components/FormError";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import { BidPlanResultsRecordDocument, type BidPlanQuery } from "../gql/graphql";
import { parseNumberList, parseResultsCsv } from "./resultsFile";

type Plan = BidPlanQuery["bidPlan"];

interface Acceptance {
  isAccepted: boolean;
  capacityMw: string;
}

/** Record what the market cleared: day-ahead prices and/or volumes per MTU (typed, pasted or
 * from an exchange file) and which reserve offers were accepted. Starts the dispatch job. */
export function ResultsForm({ plan, products }: { plan: Plan; products: Map<string, string> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const record = useGqlMutation(BidPlanResultsRecordDocument);
  const [mode, setMode] = useState<"prices" | "volumes">("prices");
  const [values, setValues] = useState("");
  const [parseError, setParseError] = useState<string | null>(null);
  const [acceptances, setAcceptances] = useState<Record<string, Acceptance>>(() =>
    Object.fromEntries(
      plan.reserveOffers.map((offer) => [
        offer.bidId,
        { isAccepted: false, capacityMw: String(offer.capacityMw) },
      ]),
    ),
  );
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      const parsed = parseResultsCsv(await file.text());
      if (parsed.pricesEurPerMwh) {
        setMode("prices");
        setValues(parsed.pricesEurPerMwh.join("\n"));
      } else if (parsed.volumesMw) {
        setMode("volumes");
        setValues(parsed.volumesMw.join("\n"));
      }
      setParseError(null);
    } catch (error) {
      setParseError(t("results.fileError", { reason: (error as Error).message }));
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    let numbers: number[];
    try {
      numbers = parseNumberList(values);
    } catch (error) {
      setParseError((error as Error).message);
      return;
    }
    setParseError(null);
    record.mutate(
      {
        input: {
          bidPlanId: plan.id,
          dayAheadClearingPricesEurPerMwh: mode === "prices" ? numbers : null,
          dayAheadAcceptedVolumesMw: mode === "volumes" ? numbers : null,
          reserves: plan.reserveOffers
            .filter((offer) => acceptances[offer.bidId]?.isAccepted)
            .map((offer) => ({
              productCode: offer.productCode,
              deliveryStartAt: offer.deliveryStartAt,
              capacityMw: Number(acceptances[offer.bidId]?.capacityMw ?? offer.capacityMw),
              capacityPriceEurPerMwH: offer.capacityPriceEurPerMwH,
            })),
        },
      },
      {
        onSuccess: (data) => navigate(`/dispatches/${pathId(data.bidPlanResultsRecord.id)}`),
      },
    );
  };
  const error = record.error;
  return (
    <section className="panel">
      <form className="stack" onSubmit={onSubmit} aria-labelledby="results-title">
        <h2 id="results-title">{t("results.title")}</h2>
        <p>{t("results.intro", { count: plan.dayAheadCurves.length })}</p>
        <Field label={t("results.file")} hint={t("results.fileHint")}>
          {(props) => <input {...props} type="file" accept=".csv,text/csv" onChange={onFile} />}
        </Field>
        <fieldset className="field">
          <legend>{t("results.mode")}</legend>
          <div className="checks">
            {(["prices", "volumes"] as const).map((value) => (
              <label key={value}>
                <input
                  type="radio"
                  name="results-mode"
                  checked={mode === value}
                  onChange={() => setMode(value)}
                />
                {t(value === "prices" ? "results.byPrices" : "results.byVolumes")}
              </label>
            ))}
          </div>
        </fieldset>
        <Field
          label={t(mode === "prices" ? "results.prices" : "results.volumes")}
          hint={t("results.listHint", { count: plan.dayAheadCurves.length })}
          error={fieldError(
            error,
            mode === "prices"
              ? "input.dayAheadClearingPricesEurPerMwh"
              : "input.dayAheadAcceptedVolumesMw",
          )}
        >
          {(props) => (
            <textarea
              {...props}
              rows={5}
              required
              value={values}
              onChange={(event) => setValues(event.target.value)}
            />
          )}
        </Field>
        {plan.reserveOffers.length > 0 && (
          <TableScroll label={t("results.reserves")}>
            <table>
              <caption>{t("results.reserves")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("results.accepted")}</th>
                  <th scope="col">{t("bidPlans.product")}</th>
                  <th scope="col">{t("time.time")}</th>
                  <th scope="col">{t("bidPlans.capacity")}</th>
                </tr>
              </thead>
              <tbody>
                {plan.reserveOffers.map((offer) => {
                  const label = `${products.get(offer.productCode) ?? offer.productCode} ${format.time(offer.deliveryStartAt)}`;
                  const acceptance = acceptances[offer.bidId];
                  return (
                    <tr key={offer.bidId}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={t("results.acceptOffer", { offer: label })}
                          checked={acceptance?.isAccepted ?? false}
                          onChange={(event) =>
                            setAcceptances((current) => ({
                              ...current,
                              [offer.bidId]: {
                                capacityMw: current[offer.bidId]?.capacityMw ?? "",
                                isAccepted: event.target.checked,
                              },
                            }))
                          }
                        />
                      </td>
                      <td>{products.get(offer.productCode) ?? offer.productCode}</td>
                      <td>{format.time(offer.deliveryStartAt)}</td>
                      <td>
                        <input
                          type="number"
                          step={0.1}
                          min={0}
                          aria-label={t("results.acceptedCapacity", { offer: label })}
                          value={acceptance?.capacityMw ?? ""}
                          onChange={(event) =>
                            setAcceptances((current) => ({
                              ...current,
                              [offer.bidId]: {
                                isAccepted: current[offer.bidId]?.isAccepted ?? false,
                                capacityMw: event.target.value,
                              },
                            }))
                          }
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
        {parseError && (
          <p className="state-error" role="alert">
            {parseError}
          </p>
        )}
        <div>
          <button type="submit" disabled={record.isPending}>
            {record.isPending ? t("states.saving") : t("results.record")}
          </button>
        </div>
        <FormError error={error} />
      </form>
    </section>
  );
}
