// Loading, empty, error, not-found and forbidden states: components, not ad-hoc ifs.
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { ApiError } from "../api/client";

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("states.loading")}
    </p>
  );
}

export function EmptyState({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <p className="state state-empty" data-testid="empty-state">
      {children ?? t("states.empty")}
    </p>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <p>{t("states.error", { message })}</p>
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {t("states.retry")}
        </button>
      )}
    </div>
  );
}

function StatusPage({ status, title, text }: { status: number; title: string; text: string }) {
  const { t } = useTranslation();
  return (
    <section className="status-page" aria-labelledby="status-title" data-status={status}>
      <p className="status-code" aria-hidden="true">
        {status}
      </p>
      <h1 id="status-title">{title}</h1>
      <p>{text}</p>
      <a className="button" href="/">
        {t("states.backToOverview")}
      </a>
    </section>
  );
}

export function NotFound() {
  const { t } = useTranslation();
  return (
    <StatusPage status={404} title={t("states.notFoundTitle")} text={t("states.notFoundText")} />
  );
}

export function Forbidden() {
  const { t } = useTranslation();
  return (
    <StatusPage status={403} title={t("states.forbiddenTitle")} text={t("states.forbiddenText")} />
  );
}

export function ServerError() {
  const { t } = useTranslation();
  return <StatusPage status={500} title={t("states.errorTitle")} text={t("states.errorText")} />;
}

/** The page for a failed query: not-found and forbidden get their own pages. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error instanceof ApiError) {
    if (error.hasCode("NOT_FOUND")) return <NotFound />;
    if (error.hasCode("PERMISSION_DENIED")) return <Forbidden />;
    // A malformed id in the address reads as not found, like another tenant's id.
    if (
      error.hasCode("VALIDATION_ERROR") &&
      error.errors.every((e) => /\bid\b/i.test(e.field ?? ""))
    )
      return <NotFound />;
  }
  return <ErrorState error={error} {...(onRetry ? { onRetry } : {})} />;
}

interface QueryViewProps<T> {
  query: UseQueryResult<T, ApiError>;
  /** Shown instead of children when the data are empty. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

/** Renders a query's loading, error, empty or data state. */
export function QueryView<T>({ query, isEmpty, empty, children }: QueryViewProps<T>) {
  if (query.isPending) return <Loading />;
  // A failed background refetch (polling a running job) keeps the page: the last data stay
  // on screen and the next poll retries; only a query that never loaded shows the error.
  if (query.isError && query.data === undefined)
    return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (query.data === undefined) return <Loading />;
  if (isEmpty?.(query.data)) return <EmptyState>{empty}</EmptyState>;
  return <>{children(query.data)}</>;
}
