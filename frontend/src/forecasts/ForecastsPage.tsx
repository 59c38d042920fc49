import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";

import { useGql, useGqlMutation } from "../api/hooks";
import { pathId } from "../api/ids";
import { useSession } from "../app/session";
import { DateField, Field, fieldError } from "../components/Field";
import { FormError } from "../components/FormError";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { copenhagenToday, localDayBounds, useFormat } from "../format";
import {
  ForecastRunRequestDocument,
  ForecastRunsDocument,
  type ForecastModel,
  type ForecastRunsQuery,
} from "../gql/graphql";
import { useEnumLabel } from "../i18n/enumLabel";
import { JobStatusBadge } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";

const MODELS: ForecastModel[] = [
  "SEASONAL_NAIVE",
  "SEASONAL_NAIVE_7D",
  "TEMPERATURE_REGRESSION",
  "PROPHET",
  "PROPHET_LAGGED",
  "LIGHTGBM",
];

function RequestForm({ data }: { data: ForecastRunsQuery }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const navigate = useNavigate();
  const request = useGqlMutation(ForecastRunRequestDocument);
  const series = data.seriesList.edges.map((edge) => edge.node).filter((s) => !s.isPublic);
  const [seriesId, setSeriesId] = useState(series[0]?.id ?? "");
  const [model, setModel] = useState<ForecastModel>("SEASONAL_NAIVE");
  const [day, setDay] = useState(copenhagenToday(1));
  const [historyDays, setHistoryDays] = useState("28");
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    // issued at 10:00 local the day before: 14 hours before the day's local midnight
    const issuedAt = new Date(
      new Date(localDayBounds(day).start).getTime() - 14 * 3600_000,
    ).toISOString();
    request.mutate(
      {
        input: {
          seriesId,
          modelName: model,
          deliveryDay: day,
          issuedAt,
          historyDays: Number(historyDays),
        },
      },
      { onSuccess: (result) => navigate(`/forecasts/${pathId(result.forecastRunRequest.id)}`) },
    );
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-labelledby="request-forecast" noValidate>
      <h2 id="request-forecast">{t("forecasts.requestTitle")}</h2>
      <Field label={t("forecasts.series")} error={fieldError(request.error, "input.seriesId")}>
        {(props) => (
          <select {...props} value={seriesId} onChange={(event) => setSeriesId(event.target.value)}>
            {series.map((item) => (
              <option key={item.id} value={item.id}>
                {item.key}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("forecasts.model")} error={fieldError(request.error, "input.modelName")}>
        {(props) => (
          <select
            {...props}
            value={model}
            onChange={(event) => setModel(event.target.value as ForecastModel)}
          >
            {MODELS.map((value) => (
              <option key={value} value={value}>
                {label("forecasts.models", value)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <DateField
        label={t("forecasts.deliveryDay")}
        hint={t("forecasts.issuedHint")}
        error={fieldError(request.error, "input.deliveryDay")}
        value={day}
        onChange={setDay}
      />
      <Field
        label={t("forecasts.historyDays")}
        error={fieldError(request.error, "input.historyDays")}
      >
        {(props) => (
          <input
            {...props}
            type="number"
            min={14}
            max={1100}
            value={historyDays}
            onChange={(e) => setHistoryDays(e.target.value)}
          />
        )}
      </Field>
      <FormError error={request.error} />
      <div>
        <button type="submit" disabled={request.isPending || !seriesId}>
          {t("forecasts.request")}
        </button>
      </div>
    </form>
  );
}

export default function ForecastsPage() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  const session = useSession();
  const query = useGql(
    ForecastRunsDocument,
    {},
    {
      refetchInterval: (q) =>
        q.state.data?.forecastRuns.edges.some((e) => isActive(e.node.job)) ? 2000 : false,
    },
  );
  return (
    <>
      <PageHeader title={t("forecasts.title")} subtitle={t("forecasts.intro")} />
      <QueryView query={query}>
        {(data) => (
          <>
            <section className="panel">
              {data.forecastRuns.edges.length === 0 ? (
                <EmptyState>{t("forecasts.none")}</EmptyState>
              ) : (
                <TableScroll label={t("forecasts.title")}>
                  <table data-testid="forecast-runs">
                    <thead>
                      <tr>
                        <th scope="col">{t("forecasts.series")}</th>
                        <th scope="col">{t("forecasts.model")}</th>
                        <th scope="col">{t("forecasts.issuedAt")}</th>
                        <th scope="col">{t("forecasts.horizon")}</th>
                        <th scope="col">{t("jobs.status")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...data.forecastRuns.edges].reverse().map(({ node: run }) => (
                        <tr key={run.id}>
                          <td>
                            <Link to={`/forecasts/${pathId(run.id)}`}>{run.series.key}</Link>
                          </td>
                          <td>{label("forecasts.models", run.modelName)}</td>
                          <td>{format.dateTime(run.issuedAt)}</td>
                          <td>
                            {format.dateTime(run.horizonStartAt)} ·{" "}
                            {t("forecasts.hours", { count: run.horizonHours })}
                          </td>
                          <td>
                            <JobStatusBadge status={run.job.status} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              )}
            </section>
            {session.can("WRITE") && (
              <section className="panel">
                <RequestForm data={data} />
              </section>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
