import { PageHeader } from "../components/PageHeader";

export default function ForecastsPage() {
  return <PageHeader title="ForecastsPage" />;
}
