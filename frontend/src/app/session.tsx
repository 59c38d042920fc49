import { createContext, useContext, type ReactNode } from "react";

import type { Grant, SessionQuery } from "../gql/graphql";

export type Me = SessionQuery["me"];

export interface Session {
  me: Me;
  /** True if the member's role (or token scope) holds the grant; buttons follow this. */
  can(grant: Grant): boolean;
  /** Pool pages (bidding, dispatch, forecasts) are for every kind but household providers. */
  hasPools: boolean;
  /** Household pages (sites, schedules, sizing) are for every kind but pure aggregators. */
  hasHouseholds: boolean;
}

export function makeSession(me: Me): Session {
  const grants = new Set<Grant>(me.grants);
  const kind = me.tenant?.kind;
  return {
    me,
    can: (grant) => grants.has(grant),
    hasPools: kind !== "HOUSEHOLD_PROVIDER",
    hasHouseholds: kind !== "AGGREGATOR",
  };
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession outside SessionProvider");
  return session;
}
