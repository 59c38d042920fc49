import { useTranslation } from "react-i18next";

import type { BidPlanStatus } from "../gql/graphql";

const TONE: Record<BidPlanStatus, string> = {
  DRAFT: "info",
  SUBMITTED: "warn",
  RESULTS_RECORDED: "ok",
  DISPATCHED: "ok",
};

export function BidPlanStatusBadge({ status }: { status: BidPlanStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${TONE[status]}`} data-testid="plan-status" data-status={status}>
      {t(`bidPlans.statuses.${status}`)}
    </span>
  );
}
