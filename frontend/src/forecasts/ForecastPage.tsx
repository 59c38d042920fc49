import { PageHeader } from "../components/PageHeader";

export default function ForecastPage() {
  return <PageHeader title="ForecastPage" />;
}
