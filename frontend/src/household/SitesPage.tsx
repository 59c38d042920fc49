import { PageHeader } from "../components/PageHeader";

export default function SitesPage() {
  return <PageHeader title="SitesPage" />;
}
