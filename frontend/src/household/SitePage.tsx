import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";

import { useGql, useGqlMutation } from "../api/hooks";
import { pathId } from "../api/ids";
import { useSession } from "../app/session";
import { DateField, Field, fieldError } from "../components/Field";
import { FormError } from "../components/FormError";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { copenhagenToday, useFormat } from "../format";
import {
  HouseholdScheduleRequestDocument,
  SiteDocument,
  SizingStudyRequestDocument,
  type SiteQuery,
} from "../gql/graphql";
import { JobStatusBadge } from "../jobs/JobProgress";
import { isActive } from "../jobs/jobView";

type Data = SiteQuery;
type SeriesOption = { id: string; key: string };

function nodes<T>(connection: { edges: readonly { node: T }[] }): T[] {
  return connection.edges.map((edge) => edge.node);
}

function Devices({ data }: { data: Data }) {
  const { t } = useTranslation();
  const format = useFormat();
  const siteId = data.site.id;
  const onSite = <T extends { site: { id: string } }>(items: T[]) =>
    items.filter((item) => item.site.id === siteId);
  const rows = [
    ...onSite(nodes(data.heatPumps))
      .filter((pump) => !pump.retiredAt)
      .map((pump) => ({
        id: pump.id,
        name: pump.name,
        kind: t("household.kinds.heatPump"),
        size: format.kw(pump.powerMaxKw),
      })),
    ...onSite(nodes(data.thermalStorages)).map((tank) => ({
      id: tank.id,
      name: tank.name,
      kind: t("household.kinds.tank"),
      size: format.kwh(tank.capacityKwh),
    })),
    ...onSite(nodes(data.batteries)).map((battery) => ({
      id: battery.id,
      name: battery.name,
      kind: t("household.kinds.battery"),
      size: `${format.kwh(battery.energyCapacityKwh)} / ${format.kw(battery.powerMaxKw)}`,
    })),
    ...onSite(nodes(data.pvSystems)).map((pv) => ({
      id: pv.id,
      name: pv.name,
      kind: t("household.kinds.pv"),
      size: `${format.number(pv.peakPowerKw, 1)}\u00a0kWp`,
    })),
    ...onSite(nodes(data.evChargers)).map((charger) => ({
      id: charger.id,
      name: charger.name,
      kind: t("household.kinds.ev"),
      size: format.kw(charger.powerMaxKw),
    })),
  ];
  return (
    <section className="panel">
      <h2>{t("household.devicesTitle")}</h2>
      {rows.length === 0 ? (
        <EmptyState>{t("household.noDevices")}</EmptyState>
      ) : (
        <TableScroll label={t("household.devicesTitle")}>
          <table data-testid="devices">
            <thead>
              <tr>
                <th scope="col">{t("household.device")}</th>
                <th scope="col">{t("household.deviceKind")}</th>
                <th scope="col" className="num">
                  {t("household.size")}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{row.name}</td>
                  <td>{row.kind}</td>
                  <td className="num">{row.size}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function SeriesSelect({
  label,
  kind,
  options,
  value,
  onChange,
  error,
}: {
  label: string;
  kind: string;
  options: SeriesOption[];
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Field
      label={label}
      error={error}
      {...(options.length === 0 ? { hint: t("household.noSeries", { kind }) } : {})}
    >
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
          {options.map((option) => (
            <option key={option.id} value={option.id}>
              {option.key}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Inputs both requests share: grid company, heat demand and the weather series. */
function useHouseholdInputs(data: Data) {
  const temperature = nodes(data.temperatureSeries);
  const irradiance = nodes(data.irradianceSeries);
  const siteCode = data.site.gridTariffCode;
  const [gridCompany, setGridCompany] = useState(
    siteCode ? "" : (data.gridCompanies[0]?.code ?? ""),
  );
  const [heatDemand, setHeatDemand] = useState("12000");
  const [temperatureId, setTemperatureId] = useState(temperature[0]?.id ?? "");
  const [irradianceId, setIrradianceId] = useState(irradiance[0]?.id ?? "");
  return {
    temperature,
    irradiance,
    siteCode,
    state: { gridCompany, heatDemand, temperatureId, irradianceId },
    set: { setGridCompany, setHeatDemand, setTemperatureId, setIrradianceId },
    input: {
      siteId: data.site.id,
      gridCompany: gridCompany || null,
      annualHeatDemandKwh: Number(heatDemand),
      temperatureSeriesId: temperatureId,
      solarIrradianceSeriesId: irradianceId,
    },
  };
}

function SharedFields({
  data,
  inputs,
  error,
}: {
  data: Data;
  inputs: ReturnType<typeof useHouseholdInputs>;
  error: unknown;
}) {
  const { t } = useTranslation();
  const { state, set } = inputs;
  return (
    <>
      <Field label={t("household.gridCompany")} error={fieldError(error, "input.gridCompany")}>
        {(props) => (
          <select
            {...props}
            value={state.gridCompany}
            onChange={(event) => set.setGridCompany(event.target.value)}
          >
            {inputs.siteCode && (
              <option value="">{t("household.siteGridCompany", { code: inputs.siteCode })}</option>
            )}
            {data.gridCompanies.map((company) => (
              <option key={company.code} value={company.code}>
                {company.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={t("household.annualHeatDemand")}
        error={fieldError(error, "input.annualHeatDemandKwh")}
      >
        {(props) => (
          <input
            {...props}
            type="number"
            min={100}
            step={100}
            value={state.heatDemand}
            onChange={(event) => set.setHeatDemand(event.target.value)}
          />
        )}
      </Field>
      <SeriesSelect
        label={t("household.temperatureSeries")}
        kind="OUTDOOR_TEMPERATURE"
        options={inputs.temperature}
        value={state.temperatureId}
        onChange={set.setTemperatureId}
        error={fieldError(error, "input.temperatureSeriesId")}
      />
      <SeriesSelect
        label={t("household.irradianceSeries")}
        kind="SOLAR_IRRADIANCE"
        options={inputs.irradiance}
        value={state.irradianceId}
        onChange={set.setIrradianceId}
        error={fieldError(error, "input.solarIrradianceSeriesId")}
      />
    </>
  );
}

function ScheduleForm({ data }: { data: Data }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const request = useGqlMutation(HouseholdScheduleRequestDocument);
  const inputs = useHouseholdInputs(data);
  const [day, setDay] = useState(copenhagenToday(1));
  const [stepMinutes, setStepMinutes] = useState(15);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(
      { input: { ...inputs.input, deliveryDay: day, stepMinutes } },
      {
        onSuccess: (result) => navigate(`/schedules/${pathId(result.householdScheduleRequest.id)}`),
      },
    );
  };
  return (
    <form className="stack" onSubmit={onSubmit} aria-labelledby="request-schedule" noValidate>
      <h2 id="request-schedule">{t("household.requestTitle")}</h2>
      <DateField
        label={t("household.deliveryDay")}
        hint={t("household.deliveryDayHint")}
        error={fieldError(request.error, "input.deliveryDay")}
        value={day}
        onChange={setDay}
        required
      />
      <fieldset className="field">
        <legend>{t("household.stepMinutes")}</legend>
        <div className="checks">
          {[15, 60].map((minutes) => (
            <label key={minutes}>
              <input
                type="radio"
                name="stepMinutes"
                checked={stepMinutes === minutes}
                onChange={() => setStepMinutes(minutes)}
              />
              {t("household.minutes", { minutes })}
            </label>
          ))}
        </div>
      </fieldset>
      <SharedFields data={data} inputs={inputs} error={request.error} />
      <FormError error={request.error} />
      <div>
        <button type="submit" disabled={request.isPending}>
          {t("household.request")}
        </button>
      </div>
    </form>
  );
}

function SizingForm({ data }: { data: Data }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const request = useGqlMutation(SizingStudyRequestDocument);
  const inputs = useHouseholdInputs(data);
  const [year, setYear] = useState(String(Number(copenhagenToday().slice(0, 4)) - 1));
  const [days, setDays] = useState("8");
  const [points, setPoints] = useState("3");
  const [storage, setStorage] = useState("0");
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate(
      {
        input: {
          ...inputs.input,
          year: Number(year),
          representativeDayCount: Number(days),
          paretoPointCount: Number(points),
          heatStorageKwh: Number(storage),
        },
      },
      { onSuccess: (result) => navigate(`/sizing/${pathId(result.sizingStudyRequest.id)}`) },
    );
  };
  const number = (
    label: string,
    field: string,
    value: string,
    onChange: (value: string) => void,
    min: number,
  ) => (
    <Field label={label} error={fieldError(request.error, field)}>
      {(props) => (
        <input
          {...props}
          type="number"
          min={min}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
  return (
    <form className="stack" onSubmit={onSubmit} aria-labelledby="request-sizing" noValidate>
      <h2 id="request-sizing">{t("sizing.requestTitle")}</h2>
      {number(t("sizing.year"), "input.year", year, setYear, 2000)}
      <SharedFields data={data} inputs={inputs} error={request.error} />
      {number(t("sizing.heatStorage"), "input.heatStorageKwh", storage, setStorage, 0)}
      {number(t("sizing.representativeDays"), "input.representativeDayCount", days, setDays, 2)}
      {number(t("sizing.paretoPoints"), "input.paretoPointCount", points, setPoints, 0)}
      <FormError error={request.error} />
      <div>
        <button type="submit" disabled={request.isPending}>
          {t("sizing.request")}
        </button>
      </div>
    </form>
  );
}

type Schedule = Data["householdSchedules"]["edges"][number]["node"];

/** Today's or tomorrow's schedule (Europe/Copenhagen): a link to the newest one of the day, or a
 * request with the site's defaults when there is none. */
function DayCard({
  data,
  label,
  day,
  schedule,
}: {
  data: Data;
  label: string;
  day: string;
  schedule: Schedule | undefined;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const navigate = useNavigate();
  const request = useGqlMutation(HouseholdScheduleRequestDocument);
  const inputs = useHouseholdInputs(data);
  const onRequest = () =>
    request.mutate(
      { input: { ...inputs.input, deliveryDay: day, stepMinutes: 15 } },
      {
        onSuccess: (result) => navigate(`/schedules/${pathId(result.householdScheduleRequest.id)}`),
      },
    );
  return (
    <section className="stat day-card" aria-label={label} data-testid={`day-${day}`}>
      <h3>
        {label} · {format.day(day)}
      </h3>
      {schedule ? (
        <p>
          <Link to={`/schedules/${pathId(schedule.id)}`}>
            {t("household.openSchedule", { day: format.shortDay(day) })}
          </Link>{" "}
          <JobStatusBadge status={schedule.job.status} />
          {schedule.billDkk && <> · {format.dkk(schedule.billDkk.totalDkk)}</>}
        </p>
      ) : (
        <>
          <p className="note">{t("household.noScheduleForDay")}</p>
          {session.can("WRITE") && (
            <button type="button" onClick={onRequest} disabled={request.isPending}>
              {t("household.requestForDay", { day: label.toLowerCase() })}
            </button>
          )}
          <FormError error={request.error} />
        </>
      )}
    </section>
  );
}

function newestOfDay(schedules: Schedule[], day: string): Schedule | undefined {
  return schedules
    .filter((schedule) => schedule.deliveryDay === day)
    .reduce<Schedule | undefined>(
      (newest, schedule) =>
        newest && String(newest.createdAt) >= String(schedule.createdAt) ? newest : schedule,
      undefined,
    );
}

function TodayAndTomorrow({ data, schedules }: { data: Data; schedules: Schedule[] }) {
  const { t } = useTranslation();
  const days = [
    { label: t("household.today"), day: copenhagenToday(0) },
    { label: t("household.tomorrow"), day: copenhagenToday(1) },
  ];
  return (
    <section className="panel" aria-labelledby="today-and-tomorrow">
      <h2 id="today-and-tomorrow">{t("household.todayAndTomorrow")}</h2>
      <div className="grid">
        {days.map(({ label, day }) => (
          <DayCard
            key={day}
            data={data}
            label={label}
            day={day}
            schedule={newestOfDay(schedules, day)}
          />
        ))}
      </div>
    </section>
  );
}

function SiteView({ data }: { data: Data }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const site = data.site;
  const schedules = [...nodes(data.householdSchedules)].reverse();
  const studies = nodes(data.sizingStudies)
    .filter((study) => study.site.id === site.id)
    .reverse();
  return (
    <>
      <PageHeader
        title={site.name}
        subtitle={`${site.biddingZone} · ${format.number(site.latitudeDeg, 2)}° N, ${format.number(site.longitudeDeg, 2)}° E${site.gridTariffCode ? ` · ${site.gridTariffCode}` : ""}`}
      />
      <TodayAndTomorrow data={data} schedules={schedules} />
      <Devices data={data} />
      <section className="panel">
        <h2>{t("household.schedulesTitle")}</h2>
        {schedules.length === 0 ? (
          <EmptyState>{t("household.noSchedules")}</EmptyState>
        ) : (
          <TableScroll label={t("household.schedulesTitle")}>
            <table data-testid="schedules">
              <thead>
                <tr>
                  <th scope="col">{t("household.day")}</th>
                  <th scope="col">{t("jobs.status")}</th>
                  <th scope="col" className="num">
                    {t("household.bill")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {schedules.map((schedule) => (
                  <tr key={schedule.id}>
                    <td>
                      <Link to={`/schedules/${pathId(schedule.id)}`}>
                        {format.shortDay(schedule.deliveryDay)}
                      </Link>
                    </td>
                    <td>
                      <JobStatusBadge status={schedule.job.status} />
                    </td>
                    <td className="num">
                      {schedule.billDkk ? format.dkk(schedule.billDkk.totalDkk) : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <h3>{t("sizing.title")}</h3>
        {studies.length === 0 ? (
          <EmptyState>{t("sizing.none")}</EmptyState>
        ) : (
          <ul>
            {studies.map((study) => (
              <li key={study.id}>
                <Link to={`/sizing/${pathId(study.id)}`}>
                  {t("sizing.studyTitle", { site: site.name, year: study.year })}
                </Link>{" "}
                <JobStatusBadge status={study.job.status} />
              </li>
            ))}
          </ul>
        )}
      </section>
      {session.can("WRITE") && (
        <div className="grid">
          <section className="panel">
            <ScheduleForm data={data} />
          </section>
          <section className="panel">
            <SizingForm data={data} />
          </section>
        </div>
      )}
    </>
  );
}

export default function SitePage() {
  const { siteId = "" } = useParams();
  const query = useGql(
    SiteDocument,
    { id: siteId },
    {
      refetchInterval: (q) =>
        q.state.data &&
        [...nodes(q.state.data.householdSchedules), ...nodes(q.state.data.sizingStudies)].some(
          (item) => isActive(item.job),
        )
          ? 2000
          : false,
    },
  );
  return <QueryView query={query}>{(data) => <SiteView data={data} />}</QueryView>;
}
