import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { useGql } from "../api/hooks";
import { pathId } from "../api/ids";
import { ScheduleChart, type ScheduleSeries } from "../charts";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { deliveryDayHours, isDstTransitionDay, useFormat } from "../format";
import { HouseholdScheduleDocument, type HouseholdScheduleQuery } from "../gql/graphql";
import { JobProgress } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";
import { BILL_PARTS } from "./billSplit";

type Schedule = HouseholdScheduleQuery["householdSchedule"];

function PowerChart({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rate = schedule.exchangeRateDkkPerEur;
  const chart = useMemo(() => {
    const periods = schedule.periods;
    const column = (pick: (p: (typeof periods)[number]) => number) => periods.map(pick);
    const series: ScheduleSeries[] = [
      { name: t("household.heatPump"), values: column((p) => p.heatPumpPowerKw), stack: "use" },
      {
        name: t("household.backupHeater"),
        values: column((p) => p.backupHeaterPowerKw),
        stack: "use",
      },
      { name: t("household.evCharging"), values: column((p) => p.evChargeKw), stack: "use" },
      {
        name: t("household.batteryCharge"),
        values: column((p) => p.batteryChargeKw),
        stack: "use",
      },
      { name: t("household.pv"), values: column((p) => p.pvUsedKw) },
      { name: t("household.batteryDischarge"), values: column((p) => p.batteryDischargeKw) },
      { name: t("household.gridImport"), values: column((p) => p.gridImportKw) },
      { name: t("household.gridExport"), values: column((p) => p.gridExportKw), dashed: true },
      {
        name: t("household.importPrice"),
        // the API's all-in EUR price at the API's own DKK/EUR rate: the household sees kroner
        values: column((p) =>
          rate == null ? p.importPriceEurPerKwh : p.importPriceEurPerKwh * rate,
        ),
        secondary: true,
        dashed: true,
      },
    ];
    return { times: periods.map((p) => p.startAt), series };
  }, [schedule, rate, t]);
  return (
    <section className="panel">
      <ScheduleChart
        {...chart}
        unit="kW"
        secondaryUnit={rate == null ? "€/kWh" : "kr./kWh"}
        title={t("household.scheduleChart")}
        testId="household-schedule"
        height={380}
        table={
          <TableScroll label={t("household.periodsTitle")}>
            <table data-testid="periods">
              <thead>
                <tr>
                  <th scope="col">{t("time.time")}</th>
                  <th scope="col" className="num">
                    {t("household.heatPump")}
                  </th>
                  <th scope="col" className="num">
                    {t("household.pv")}
                  </th>
                  <th scope="col" className="num">
                    {t("household.gridImport")}
                  </th>
                  <th scope="col" className="num">
                    {t("household.gridExport")}
                  </th>
                  <th scope="col" className="num">
                    {t("household.bill")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {schedule.periods.map((period) => (
                  <tr key={period.startAt}>
                    <td>{format.time(period.startAt)}</td>
                    <td className="num">{format.kw(period.heatPumpPowerKw)}</td>
                    <td className="num">{format.kw(period.pvUsedKw)}</td>
                    <td className="num">{format.kw(period.gridImportKw)}</td>
                    <td className="num">{format.kw(period.gridExportKw)}</td>
                    <td className="num">{format.dkk(period.billDkk.totalDkk)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        }
      />
    </section>
  );
}

function StorageChart({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const chart = useMemo(() => {
    const periods = schedule.periods;
    const series: ScheduleSeries[] = [
      { name: t("household.batteryEnergy"), values: periods.map((p) => p.batteryEnergyKwh) },
    ];
    if (periods.some((p) => p.tankEnergyKwh != null))
      series.push({ name: t("household.tankEnergy"), values: periods.map((p) => p.tankEnergyKwh) });
    if (periods.some((p) => p.indoorTemperatureC != null))
      series.push({
        name: t("household.indoorTemperature"),
        values: periods.map((p) => p.indoorTemperatureC),
        secondary: true,
      });
    return { times: periods.map((p) => p.startAt), series };
  }, [schedule, t]);
  return (
    <section className="panel">
      <ScheduleChart
        {...chart}
        unit="kWh"
        secondaryUnit="°C"
        title={t("household.storageChart")}
        testId="household-storage"
      />
    </section>
  );
}

function Bill({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const format = useFormat();
  const bill = schedule.billDkk;
  const rate = schedule.exchangeRateDkkPerEur;
  const chart = useMemo(
    () => ({
      times: schedule.periods.map((p) => p.startAt),
      series: BILL_PARTS.map(([part, key]) => ({
        name: t(`household.split.${part}`),
        values: schedule.periods.map((p) => p.billDkk[key]),
        stack: "bill",
      })),
    }),
    [schedule, t],
  );
  if (!bill) return null;
  const rows: [string, number][] = [
    ...BILL_PARTS.map(([part, key]): [string, number] => [part, bill[key]]),
    ["exportRevenue", -bill.exportRevenueDkk],
  ];
  return (
    <section className="panel">
      <h2>{t("household.billTitle")}</h2>
      <p>
        {t("household.billIntro", {
          rate: rate == null ? "—" : t("household.exchangeRate", { rate: format.number(rate, 4) }),
        })}
      </p>
      <TableScroll label={t("household.billTitle")}>
        <table data-testid="bill-split">
          <thead>
            <tr>
              <th scope="col">{t("household.billComponent")}</th>
              <th scope="col" className="num">
                {t("household.amount")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([part, value]) => (
              <tr key={part} data-part={part}>
                <td>{t(`household.split.${part as "spot"}`)}</td>
                <td className="num">{format.dkk(value)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-part="total">
              <th scope="row">{t("household.split.total")}</th>
              <td className="num">{format.dkk(bill.totalDkk)}</td>
            </tr>
          </tfoot>
        </table>
      </TableScroll>
      <ScheduleChart {...chart} unit="kr." title={t("household.billChart")} testId="bill-chart" />
    </section>
  );
}

function ScheduleView({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const format = useFormat();
  const done = schedule.job.status === "SUCCEEDED";
  const rate = schedule.exchangeRateDkkPerEur;
  return (
    <>
      <PageHeader
        title={t("household.scheduleTitle", {
          site: schedule.site.name,
          day: format.day(schedule.deliveryDay),
        })}
        subtitle={
          <>
            <Link to={`/sites/${pathId(schedule.site.id)}`}>{schedule.site.name}</Link> ·{" "}
            {schedule.site.biddingZone}
            {schedule.gridCompany ? ` · ${schedule.gridCompany.name}` : ""} · {t("time.zone")}
          </>
        }
      />
      {isDstTransitionDay(schedule.deliveryDay) && (
        <p className="note warn" data-testid="dst-note">
          {t("time.dstNote", { hours: deliveryDayHours(schedule.deliveryDay) })}
        </p>
      )}
      {!done && (
        <section className="panel" aria-label={t("jobs.progress")}>
          <JobProgress job={schedule.job} />
        </section>
      )}
      {done && (
        <>
          <dl className="stats">
            <div className="stat">
              <dt>{t("household.totalBill")}</dt>
              <dd data-testid="bill-total">
                {schedule.billDkk ? format.dkk(schedule.billDkk.totalDkk) : "—"}
              </dd>
            </div>
            <div className="stat">
              <dt>{t("household.periods")}</dt>
              <dd data-testid="period-count">
                {schedule.periodCount} × {t("household.minutes", { minutes: schedule.stepMinutes })}
              </dd>
            </div>
            {schedule.emissionsKgCo2 != null && (
              <div className="stat">
                <dt>{t("household.emissions")}</dt>
                <dd>{format.kgCo2(schedule.emissionsKgCo2)}</dd>
              </div>
            )}
            {rate != null && (
              <div className="stat">
                <dt>{t("household.rateLabel")}</dt>
                <dd data-testid="exchange-rate">
                  {t("household.exchangeRate", { rate: format.number(rate, 4) })}
                </dd>
              </div>
            )}
          </dl>
          <PowerChart schedule={schedule} />
          <StorageChart schedule={schedule} />
          <Bill schedule={schedule} />
          {schedule.assumptions.length > 0 && (
            <section className="panel">
              <h2>{t("household.assumptions")}</h2>
              <ul>
                {schedule.assumptions.map((note) => (
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

export default function SchedulePage() {
  const { scheduleId = "" } = useParams();
  const query = useGql(
    HouseholdScheduleDocument,
    { id: scheduleId },
    {
      refetchInterval: (q) =>
        q.state.data && isActive(q.state.data.householdSchedule.job) ? 1000 : false,
    },
  );
  return (
    <QueryView query={query}>
      {(data) => <ScheduleView schedule={data.householdSchedule} />}
    </QueryView>
  );
}
