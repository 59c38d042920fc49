import { PageHeader } from "../components/PageHeader";

export default function SchedulePage() {
  return <PageHeader title="SchedulePage" />;
}
