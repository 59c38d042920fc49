import { PageHeader } from "../components/PageHeader";

export default function SitePage() {
  return <PageHeader title="SitePage" />;
}
