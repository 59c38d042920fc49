import { PageHeader } from "../components/PageHeader";

export default function SizingStudiesPage() {
  return <PageHeader title="SizingStudiesPage" />;
}
