import { PageHeader } from "../components/PageHeader";

export default function PricesPage() {
  return <PageHeader title="PricesPage" />;
}
