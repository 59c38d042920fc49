import { useEnumLabel } from "../i18n/enumLabel";

import type { BidPlanStatus } from "../gql/graphql";

const TONE: Record<BidPlanStatus, string> = {
  DRAFT: "info",
  SUBMITTED: "warn",
  RESULTS_RECORDED: "ok",
  DISPATCHED: "ok",
};

export function BidPlanStatusBadge({ status }: { status: BidPlanStatus }) {
  const label = useEnumLabel();
  return (
    <span className={`badge ${TONE[status]}`} data-testid="plan-status" data-status={status}>
      {label("bidPlans.statuses", status)}
    </span>
  );
}
