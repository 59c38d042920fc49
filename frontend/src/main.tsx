import "./styles.css";

import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useMemo } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";

import { ApiError } from "./api/client";
import { useGql } from "./api/hooks";
import { redirectForSession } from "./api/session";
import { makeRouter } from "./app/routes";
import { makeSession, SessionProvider } from "./app/session";
import { Loading, QueryError } from "./components/States";
import { SessionDocument } from "./gql/graphql";
import { setupI18n } from "./i18n";

setupI18n();

const FINAL_CODES = ["UNAUTHENTICATED", "NOT_FOUND", "PERMISSION_DENIED", "VALIDATION_ERROR"];

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error) => void redirectForSession(error) }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && FINAL_CODES.some((c) => error.hasCode(c))),
    },
    mutations: { onError: (error) => void redirectForSession(error) },
  },
});

function Portal() {
  const session = useGql(SessionDocument, {});
  const router = useMemo(() => makeRouter(), []);
  if (session.isPending) return <Loading />;
  if (session.isError) return <QueryError error={session.error} />;
  return (
    <SessionProvider session={makeSession(session.data.me)}>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Portal />
    </QueryClientProvider>
  </StrictMode>,
);
