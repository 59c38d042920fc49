import { PageHeader } from "../components/PageHeader";

export default function BidPlansPage() {
  return <PageHeader title="BidPlansPage" />;
}
