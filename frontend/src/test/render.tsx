// Rendering helpers for component tests: i18n in a chosen language, a query client, a router
// and a session.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { I18nextProvider } from "react-i18next";
import { MemoryRouter } from "react-router";

import { makeSession, SessionProvider, type Me } from "../app/session";
import { setupI18n, type Language } from "../i18n";

export const OWNER: Me = {
  kind: "USER",
  email: "owner@alpha.dk",
  role: "OWNER",
  grants: ["MANAGE", "READ", "WRITE", "INGEST"],
  tenant: {
    slug: "alpha",
    name: "Alpha",
    kind: "AGGREGATOR",
    defaultBiddingZone: "DK1",
  },
  tenantsAvailable: [],
};

export const VIEWER: Me = { ...OWNER, role: "VIEWER", grants: ["READ"] };

export function renderWith(
  ui: ReactElement,
  { language = "en", me = OWNER }: { language?: Language; me?: Me } = {},
) {
  const i18n = setupI18n(language);
  void i18n.changeLanguage(language);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={client}>
        <SessionProvider session={makeSession(me)}>
          <MemoryRouter>{ui}</MemoryRouter>
        </SessionProvider>
      </QueryClientProvider>
    </I18nextProvider>,
  );
}
