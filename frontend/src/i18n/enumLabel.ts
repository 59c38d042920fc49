// Labels of API enum values. The schema may gain values before the catalogue does (another
// team's new job kind, error code, ...): those read as their humanised code instead of breaking
// the build; the catalogue test checks that every label names a value schema.graphql has.
import { useTranslation } from "react-i18next";

/** Catalogue paths whose children are enum labels, e.g. "jobs.kinds" or "roles". */
export type EnumGroup =
  | "roles"
  | "tenantKinds"
  | "admin.scopeNames"
  | "jobs.kinds"
  | "jobs.statuses"
  | "jobs.errorCodes"
  | "bidPlans.statuses"
  | "bidPlans.actions"
  | "bidPlans.bidStatuses"
  | "bidPlans.scenarioSources"
  | "forecasts.models"
  | "dispatch.reasons";

export function humanise(value: string): string {
  const words = value.toLowerCase().replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function useEnumLabel() {
  const { t, i18n } = useTranslation();
  return (group: EnumGroup, value: string): string => {
    const key = `${group}.${value}`;
    return i18n.exists(key) ? (t as (key: string) => string)(key) : humanise(value);
  };
}
