import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { useGql } from "../api/hooks";
import { ScheduleChart } from "../charts";
import { DateField } from "../components/Field";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, QueryView } from "../components/States";
import { copenhagenDay, copenhagenToday, localDayBounds, useFormat } from "../format";
import {
  PriceSeriesDocument,
  PriceValuesDocument,
  type PriceSeriesFieldsFragment,
} from "../gql/graphql";

function PriceChart({ series, day }: { series: PriceSeriesFieldsFragment; day: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const bounds = localDayBounds(day);
  const values = useGql(PriceValuesDocument, { seriesId: series.id, ...bounds });
  const chart = useMemo(() => {
    const rows = values.data?.seriesValues ?? [];
    return {
      times: rows.map((row) => row.time),
      series: [{ name: series.key, values: rows.map((row) => row.value) }],
    };
  }, [values.data, series.key]);
  return (
    <QueryView
      query={values}
      isEmpty={(data) => data.seriesValues.length === 0}
      empty={`${series.key}: ${t("prices.noValues")}`}
    >
      {() => (
        <ScheduleChart
          {...chart}
          unit={series.unit}
          title={t("prices.chart", {
            key: series.key,
            day: format.shortDay(day),
            unit: series.unit,
          })}
          testId={`prices-${series.key}`}
          height={260}
        />
      )}
    </QueryView>
  );
}

function Kind({
  title,
  series,
  day,
}: {
  title: string;
  series: PriceSeriesFieldsFragment[];
  day: string;
}) {
  const { t } = useTranslation();
  return (
    <section className="panel">
      <h2>{title}</h2>
      {series.length === 0 ? (
        <EmptyState>{t("prices.none")}</EmptyState>
      ) : (
        series.map((item) => <PriceChart key={item.id} series={item} day={day} />)
      )}
    </section>
  );
}

export default function PricesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const query = useGql(PriceSeriesDocument, {});
  const [chosenDay, setDay] = useState<string | null>(null);
  return (
    <>
      <PageHeader title={t("prices.title")} subtitle={t("prices.intro")} />
      <QueryView query={query}>
        {(data) => {
          const nodes = (c: { edges: readonly { node: PriceSeriesFieldsFragment }[] }) =>
            c.edges.map((edge) => edge.node);
          const dayAhead = nodes(data.dayAhead);
          const latest = dayAhead.find((s) => s.lastObservationAt)?.lastObservationAt;
          const day = chosenDay ?? (latest ? copenhagenDay(latest) : copenhagenToday());
          return (
            <>
              <p className="note" data-testid="exchange-rate">
                {t("prices.currency", {
                  rate: format.number(data.exchangeRate.dkkPerEur, 4),
                  source: data.exchangeRate.source,
                })}
              </p>
              <div className="inline-form">
                <DateField
                  label={t("prices.day")}
                  value={day}
                  onChange={(value) => setDay(value || null)}
                />
              </div>
              <Kind title={t("prices.dayAhead")} series={dayAhead} day={day} />
              <Kind title={t("prices.reserve")} series={nodes(data.reserve)} day={day} />
              <Kind title={t("prices.imbalance")} series={nodes(data.imbalance)} day={day} />
            </>
          );
        }}
      </QueryView>
    </>
  );
}
