import { PageHeader } from "../components/PageHeader";

export default function PoolPage() {
  return <PageHeader title="PoolPage" />;
}
