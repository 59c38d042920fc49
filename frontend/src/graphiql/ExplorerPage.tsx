import { useTranslation } from "react-i18next";

import { Explorer } from "./Explorer";

export default function ExplorerPage() {
  const { t } = useTranslation();
  return (
    <section className="explorer" aria-label={t("nav.explorer")}>
      <h1 className="visually-hidden">{t("nav.explorer")}</h1>
      <div className="explorer-frame">
        <Explorer />
      </div>
    </section>
  );
}
