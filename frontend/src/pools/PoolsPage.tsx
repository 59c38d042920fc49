import { PageHeader } from "../components/PageHeader";

export default function PoolsPage() {
  return <PageHeader title="PoolsPage" />;
}
