import { PageHeader } from "../components/PageHeader";

export default function BidPlanPage() {
  return <PageHeader title="BidPlanPage" />;
}
