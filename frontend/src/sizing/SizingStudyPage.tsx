import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useGql } from "../api/hooks";
import { pathId } from "../api/ids";
import { BarChart, ParetoChart, type ParetoPoint } from "../charts";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import {
  SizingStudyDocument,
  type DesignFieldsFragment,
  type SizingStudyQuery,
} from "../gql/graphql";
import { JobProgress } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";

type Study = SizingStudyQuery["sizingStudy"];

function sameDesign(a: DesignFieldsFragment, b: DesignFieldsFragment): boolean {
  return (
    a.heatPump === b.heatPump &&
    a.pvKwp === b.pvKwp &&
    a.batteryEnergyKwh === b.batteryEnergyKwh &&
    a.batteryPowerKw === b.batteryPowerKw &&
    a.hasEvCharger === b.hasEvCharger
  );
}

function useDesignText() {
  const { t } = useTranslation();
  const format = useFormat();
  return (design: DesignFieldsFragment) => ({
    heatPump: design.heatPump,
    pv: design.pvKwp > 0 ? `${format.number(design.pvKwp, 1)}\u00a0kWp` : "—",
    battery:
      design.batteryEnergyKwh > 0
        ? `${format.kwh(design.batteryEnergyKwh)} / ${format.kw(design.batteryPowerKw)}`
        : "—",
    evCharger: design.hasEvCharger ? t("sizing.yes") : t("sizing.no"),
  });
}

function Pareto({ study, rate }: { study: Study; rate: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const designText = useDesignText();
  const chosen = study.design;
  const points: ParetoPoint[] = useMemo(
    () =>
      study.paretoFront.map((point, index) => ({
        id: String(index),
        label: t("sizing.design", { number: index + 1 }),
        x: point.emissionsKgCo2PerYear,
        y: point.totalCostEurPerYear * rate,
        isChosen:
          chosen != null &&
          sameDesign(point.design, chosen) &&
          point.emissionsKgCo2PerYear === study.emissionsKgCo2PerYear,
      })),
    [study, chosen, rate, t],
  );
  if (study.paretoFront.length === 0) return null;
  return (
    <section className="panel">
      <h2>{t("sizing.paretoTitle")}</h2>
      <p>{t("sizing.paretoIntro")}</p>
      <ParetoChart
        points={points}
        xName={t("sizing.co2Axis")}
        yName={t("sizing.costAxis")}
        formatX={format.kgCo2}
        formatY={format.dkk}
        chosenName={t("sizing.chosen")}
        frontName={t("sizing.front")}
        title={t("sizing.paretoChart")}
        testId="pareto-chart"
      />
      <h3>{t("sizing.compareTitle")}</h3>
      <TableScroll label={t("sizing.compareTitle")}>
        <table data-testid="designs">
          <thead>
            <tr>
              <td />
              {study.paretoFront.map((_, index) => (
                <th scope="col" key={index}>
                  {t("sizing.design", { number: index + 1 })}
                  {points[index]?.isChosen ? ` (${t("sizing.chosen")})` : ""}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(["heatPump", "pv", "battery", "evCharger"] as const).map((row) => (
              <tr key={row}>
                <th scope="row">{t(`sizing.${row}`)}</th>
                {study.paretoFront.map((point, index) => (
                  <td key={index}>{designText(point.design)[row]}</td>
                ))}
              </tr>
            ))}
            <tr>
              <th scope="row">{t("sizing.cost")}</th>
              {study.paretoFront.map((point, index) => (
                <td key={index} className="num">
                  {format.dkk(point.totalCostEurPerYear * rate)}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">{t("sizing.emissions")}</th>
              {study.paretoFront.map((point, index) => (
                <td key={index} className="num">
                  {format.kgCo2(point.emissionsKgCo2PerYear)}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function Design({ study, rate }: { study: Study; rate: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const designText = useDesignText();
  const design = study.design;
  const cost = study.annualCost;
  const rows = useMemo((): [string, number][] => {
    if (!cost) return [];
    return [
      ...cost.capexByComponent.map((item): [string, number] => [
        t("sizing.capex", { component: item.component.replaceAll("_", " ") }),
        item.costEurPerYear,
      ]),
      [t("sizing.energy"), cost.energyEur],
      [t("sizing.dsoTariff"), cost.dsoTariffEur],
      [t("sizing.energinetTariff"), cost.energinetTariffEur],
      [t("sizing.electricityTax"), cost.electricityTaxEur],
      [t("sizing.vat"), cost.vatEur],
      [t("sizing.evElsewhere"), cost.evChargingElsewhereEur],
      [t("sizing.unservedPenalty"), cost.unservedHeatPenaltyEur],
      [t("sizing.exportRevenue"), -cost.exportRevenueEur],
    ];
  }, [cost, t]);
  if (!design || !cost) return null;
  const text = designText(design);
  return (
    <div className="grid">
      <section className="panel">
        <h2>{t("sizing.designTitle")}</h2>
        <dl className="stats" data-testid="chosen-design">
          {(["heatPump", "pv", "battery", "evCharger"] as const).map((key) => (
            <div className="stat" key={key}>
              <dt>{t(`sizing.${key}`)}</dt>
              <dd>{text[key]}</dd>
            </div>
          ))}
          {study.emissionsKgCo2PerYear != null && (
            <div className="stat">
              <dt>{t("sizing.emissions")}</dt>
              <dd>{format.kgCo2(study.emissionsKgCo2PerYear)}</dd>
            </div>
          )}
        </dl>
        {study.annualEnergy && (
          <>
            <h3>{t("sizing.energyTitle")}</h3>
            <dl className="stats">
              <div className="stat">
                <dt>{t("sizing.gridImport")}</dt>
                <dd>{format.kwh(study.annualEnergy.gridImportKwh)}</dd>
              </div>
              <div className="stat">
                <dt>{t("sizing.gridExport")}</dt>
                <dd>{format.kwh(study.annualEnergy.gridExportKwh)}</dd>
              </div>
              <div className="stat">
                <dt>{t("sizing.heatPumpHeat")}</dt>
                <dd>{format.kwh(study.annualEnergy.heatPumpHeatKwh)}</dd>
              </div>
              <div className="stat">
                <dt>{t("sizing.backupHeat")}</dt>
                <dd>{format.kwh(study.annualEnergy.backupHeatKwh)}</dd>
              </div>
            </dl>
          </>
        )}
      </section>
      <section className="panel">
        <h2>{t("sizing.costTitle")}</h2>
        <p>
          {t("sizing.costIntro", {
            rate: t("household.exchangeRate", { rate: format.number(rate, 4) }),
          })}
        </p>
        <BarChart
          categories={rows.map(([name]) => name)}
          series={[{ name: t("sizing.cost"), values: rows.map(([, value]) => value * rate) }]}
          unit="kr."
          formatValue={format.dkk}
          title={t("sizing.costChart")}
          testId="cost-split"
          table={
            <TableScroll label={t("sizing.costTitle")}>
              <table data-testid="cost-table">
                <thead>
                  <tr>
                    <th scope="col">{t("sizing.component")}</th>
                    <th scope="col" className="num">
                      {t("sizing.cost")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(([name, value]) => (
                    <tr key={name}>
                      <td>{name}</td>
                      <td className="num">{format.dkk(value * rate)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t("sizing.totalCost")}</th>
                    <td className="num" data-testid="annual-total">
                      {format.dkk(cost.totalEur * rate)}
                    </td>
                  </tr>
                </tfoot>
              </table>
            </TableScroll>
          }
        />
      </section>
    </div>
  );
}

function StudyView({ study, fallbackRate }: { study: Study; fallbackRate: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const done = study.job.status === "SUCCEEDED";
  const rate = study.exchangeRateDkkPerEur ?? fallbackRate;
  return (
    <>
      <PageHeader
        title={t("sizing.studyTitle", { site: study.site.name, year: study.year })}
        subtitle={
          <>
            <Link to={`/sites/${pathId(study.site.id)}`}>{study.site.name}</Link>
            {study.gridCompany ? ` · ${study.gridCompany.name}` : ""} ·{" "}
            {t("household.exchangeRate", { rate: format.number(rate, 4) })}
          </>
        }
      />
      {!done && (
        <section className="panel" aria-label={t("jobs.progress")}>
          <JobProgress job={study.job} />
        </section>
      )}
      {done && (
        <>
          <Pareto study={study} rate={rate} />
          <Design study={study} rate={rate} />
          {study.assumptions.length > 0 && (
            <section className="panel">
              <h2>{t("household.assumptions")}</h2>
              <ul>
                {study.assumptions.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </>
  );
}

export default function SizingStudyPage() {
  const { studyId = "" } = useParams();
  const query = useGql(
    SizingStudyDocument,
    { id: studyId },
    {
      refetchInterval: (q) =>
        q.state.data && isActive(q.state.data.sizingStudy.job) ? 1000 : false,
    },
  );
  return (
    <QueryView query={query}>
      {(data) => <StudyView study={data.sizingStudy} fallbackRate={data.exchangeRate.dkkPerEur} />}
    </QueryView>
  );
}
