// The route table: every page is its own chunk (charts included), loaded on first visit.
import type { ComponentType } from "react";
import { createBrowserRouter, useRouteError, type RouteObject } from "react-router";

import { Forbidden, Loading, NotFound, QueryError, ServerError } from "../components/States";
import { ApiError } from "../api/client";
import { Layout } from "./Layout";
import { useSession, type Session } from "./session";

type Need = "pools" | "households";

function allowed(session: Session, need: Need | undefined): boolean {
  if (need === "pools") return session.hasPools;
  if (need === "households") return session.hasHouseholds;
  return true;
}

function page(load: () => Promise<{ default: ComponentType }>, need?: Need) {
  return {
    lazy: async () => {
      const { default: Page } = await load();
      function Guarded() {
        const session = useSession();
        return allowed(session, need) ? <Page /> : <Forbidden />;
      }
      return { Component: Guarded };
    },
  };
}

function RouteError() {
  const error = useRouteError();
  if (error instanceof ApiError) return <QueryError error={error} />;
  if (error && typeof error === "object" && "status" in error && error.status === 404)
    return <NotFound />;
  console.error(error);
  return <ServerError />;
}

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    HydrateFallback: Loading,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, ...page(() => import("../overview/OverviewPage")) },
          { path: "pools", ...page(() => import("../pools/PoolsPage"), "pools") },
          { path: "pools/:poolId", ...page(() => import("../pools/PoolPage"), "pools") },
          { path: "bid-plans", ...page(() => import("../bidPlans/BidPlansPage"), "pools") },
          {
            path: "bid-plans/:bidPlanId",
            ...page(() => import("../bidPlans/BidPlanPage"), "pools"),
          },
          {
            path: "dispatches/:dispatchId",
            ...page(() => import("../dispatch/DispatchPage"), "pools"),
          },
          { path: "forecasts", ...page(() => import("../forecasts/ForecastsPage"), "pools") },
          {
            path: "forecasts/:forecastRunId",
            ...page(() => import("../forecasts/ForecastPage"), "pools"),
          },
          { path: "prices", ...page(() => import("../prices/PricesPage")) },
          { path: "sites", ...page(() => import("../household/SitesPage"), "households") },
          { path: "sites/:siteId", ...page(() => import("../household/SitePage"), "households") },
          {
            path: "schedules/:scheduleId",
            ...page(() => import("../household/SchedulePage"), "households"),
          },
          { path: "sizing", ...page(() => import("../sizing/SizingStudiesPage"), "households") },
          {
            path: "sizing/:studyId",
            ...page(() => import("../sizing/SizingStudyPage"), "households"),
          },
          { path: "jobs", ...page(() => import("../jobs/JobsPage")) },
          { path: "settings", ...page(() => import("../admin/AdminPage")) },
          { path: "explorer", ...page(() => import("../graphiql/ExplorerPage")) },
          { path: "*", Component: NotFound },
        ],
      },
    ],
  },
];

export function makeRouter() {
  return createBrowserRouter(routes);
}
