import { PageHeader } from "../components/PageHeader";

export default function DispatchPage() {
  return <PageHeader title="DispatchPage" />;
}
