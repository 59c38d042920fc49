import { PageHeader } from "../components/PageHeader";

export default function SizingStudyPage() {
  return <PageHeader title="SizingStudyPage" />;
}
