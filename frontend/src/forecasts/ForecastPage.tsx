import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useGql } from "../api/hooks";
import { BandChart, BarChart, type Band, type BandLine } from "../charts";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { useFormat } from "../format";
import {
  ForecastRunDocument,
  ForecastRunResultsDocument,
  type ForecastRunQuery,
} from "../gql/graphql";
import { useEnumLabel } from "../i18n/enumLabel";
import { JobProgress } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";

type Run = ForecastRunQuery["forecastRun"];

function Results({ run }: { run: Run }) {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useGql(ForecastRunResultsDocument, {
    id: run.id,
    seriesId: run.series.id,
    start: run.horizonStartAt,
    end: run.horizonEndAt,
  });
  return (
    <QueryView query={query}>
      {(data) => {
        const values = data.forecastRunValues;
        const quantiles = [...values.quantiles].sort((a, b) => a.quantile - b.quantile);
        const lowest = quantiles[0];
        const highest = quantiles[quantiles.length - 1];
        const bands: Band[] =
          lowest && highest && lowest !== highest
            ? [
                {
                  name: t("forecasts.band", {
                    lower: format.percent(lowest.quantile, 0),
                    upper: format.percent(highest.quantile, 0),
                  }),
                  lower: lowest.values,
                  upper: highest.values,
                },
              ]
            : [];
        const actualAt = new Map(data.actuals.map((row) => [Date.parse(row.time), row.value]));
        const lines: BandLine[] = [
          { name: t("forecasts.point"), values: values.pointValues },
          {
            name: t("forecasts.actual"),
            values: values.times.map((time) => actualAt.get(Date.parse(time)) ?? null),
            dashed: true,
          },
        ];
        const accuracy = data.forecastRunAccuracy;
        return (
          <>
            <section className="panel">
              <BandChart
                times={values.times}
                unit={values.unit}
                bands={bands}
                lines={lines}
                title={t("forecasts.chart")}
                testId="forecast-chart"
              />
            </section>
            <section className="panel">
              <h2>{t("forecasts.accuracyTitle")}</h2>
              <dl className="stats">
                <div className="stat">
                  <dt>{t("forecasts.observed")}</dt>
                  <dd>
                    {accuracy.observedPeriods} / {accuracy.horizonPeriods}
                  </dd>
                </div>
                <div className="stat">
                  <dt>{t("forecasts.mae")}</dt>
                  <dd>
                    {accuracy.mae == null ? "—" : `${format.number(accuracy.mae)} ${values.unit}`}
                  </dd>
                </div>
                <div className="stat">
                  <dt>{t("forecasts.rmse")}</dt>
                  <dd>
                    {accuracy.rmse == null ? "—" : `${format.number(accuracy.rmse)} ${values.unit}`}
                  </dd>
                </div>
                {accuracy.intervalCoverageFraction != null &&
                  accuracy.intervalLowerQuantile != null &&
                  accuracy.intervalUpperQuantile != null && (
                    <div className="stat">
                      <dt>
                        {t("forecasts.coverage", {
                          lower: format.percent(accuracy.intervalLowerQuantile, 0),
                          upper: format.percent(accuracy.intervalUpperQuantile, 0),
                        })}
                      </dt>
                      <dd>{format.percent(accuracy.intervalCoverageFraction, 0)}</dd>
                    </div>
                  )}
              </dl>
            </section>
          </>
        );
      }}
    </QueryView>
  );
}

function Backtest({ run }: { run: Run }) {
  const { t } = useTranslation();
  const format = useFormat();
  const backtest = run.metrics?.backtest;
  const chart = useMemo(() => {
    const models = backtest?.models ?? [];
    const horizons = [
      ...new Set(models.flatMap((m) => m.maeByHorizon.map((h) => h.horizonH))),
    ].sort((a, b) => a - b);
    return {
      categories: horizons.map(String),
      series: models.map((m) => ({
        name: m.model,
        values: horizons.map((h) => m.maeByHorizon.find((e) => e.horizonH === h)?.mae ?? null),
      })),
    };
  }, [backtest]);
  if (!backtest || chart.categories.length === 0) return null;
  return (
    <section className="panel">
      <h2>{t("forecasts.byHorizonTitle")}</h2>
      <BarChart
        {...chart}
        unit={run.series.unit}
        formatValue={(value) => format.number(value)}
        title={t("forecasts.byHorizonChart", { folds: backtest.foldCount })}
        testId="accuracy-by-horizon"
      />
    </section>
  );
}

export default function ForecastPage() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  const { forecastRunId = "" } = useParams();
  const query = useGql(
    ForecastRunDocument,
    { id: forecastRunId },
    {
      refetchInterval: (q) =>
        q.state.data && isActive(q.state.data.forecastRun.job) ? 1000 : false,
    },
  );
  return (
    <QueryView query={query}>
      {(data) => {
        const run = data.forecastRun;
        return (
          <>
            <PageHeader
              title={t("forecasts.runTitle", {
                series: run.series.key,
                model: label("forecasts.models", run.modelName),
              })}
              subtitle={
                <>
                  <Link to="/forecasts">{t("forecasts.title")}</Link> · {t("forecasts.issuedAt")}{" "}
                  {format.dateTime(run.issuedAt)} · {format.dateTime(run.horizonStartAt)} ·{" "}
                  {t("forecasts.hours", { count: run.horizonHours })}
                </>
              }
            />
            {run.job.status === "SUCCEEDED" ? (
              <>
                <Results run={run} />
                <Backtest run={run} />
              </>
            ) : (
              <section className="panel" aria-label={t("jobs.progress")}>
                <JobProgress job={run.job} />
              </section>
            )}
          </>
        );
      }}
    </QueryView>
  );
}
