import { useEnumLabel } from "../i18n/enumLabel";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation } from "react-router";

import { csrfToken } from "../api/client";
import { tenantChooserUrl } from "../api/session";
import { LANGUAGES, rememberLanguage, type Language } from "../i18n";
import { useSession } from "./session";

const LANGUAGE_NAMES: Record<Language, string> = { da: "Dansk", en: "English" };

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language-switch" role="group" aria-label={t("app.language")}>
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          className="link"
          lang={language}
          aria-pressed={i18n.language === language}
          onClick={() => {
            rememberLanguage(language);
            void i18n.changeLanguage(language);
          }}
        >
          {LANGUAGE_NAMES[language]}
        </button>
      ))}
    </div>
  );
}

export function LogoutButton() {
  const { t } = useTranslation();
  return (
    <form method="post" action="/logout/" className="logout">
      <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
      <button type="submit" className="link">
        {t("app.logOut")}
      </button>
    </form>
  );
}

function Navigation({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const items: { to: string; label: string; show: boolean }[] = [
    { to: "/", label: t("nav.overview"), show: true },
    { to: "/pools", label: t("nav.pools"), show: session.hasPools },
    { to: "/bid-plans", label: t("nav.bidPlans"), show: session.hasPools },
    { to: "/forecasts", label: t("nav.forecasts"), show: session.hasPools },
    { to: "/sites", label: t("nav.sites"), show: session.hasHouseholds },
    { to: "/sizing", label: t("nav.sizing"), show: session.hasHouseholds },
    { to: "/prices", label: t("nav.prices"), show: true },
    { to: "/jobs", label: t("nav.jobs"), show: true },
    { to: "/settings", label: t("nav.settings"), show: true },
    { to: "/explorer", label: t("nav.explorer"), show: true },
  ];
  return (
    <ul>
      {items
        .filter((item) => item.show)
        .map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} end={item.to === "/"} onClick={onNavigate}>
              {item.label}
            </NavLink>
          </li>
        ))}
    </ul>
  );
}

export function Layout() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const { me } = useSession();
  const [isMenuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  return (
    <>
      <a className="skip" href="#content">
        {t("app.skipToContent")}
      </a>
      <header className="topbar">
        <NavLink className="brand" to="/">
          {t("app.name")}
        </NavLink>
        <span className="tenant" data-testid="tenant-name" title={t("app.tenant")}>
          {me.tenant?.name}
        </span>
        <span className="who">{me.role ? label("roles", me.role) : null}</span>
        <div className="topbar-actions">
          <LanguageSwitch />
          {me.tenantsAvailable.length > 1 && (
            <a href={tenantChooserUrl(location.pathname)}>{t("app.switchTenant")}</a>
          )}
          <LogoutButton />
        </div>
        <button
          type="button"
          className="menu-toggle secondary"
          aria-expanded={isMenuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          {t("app.menu")}
        </button>
      </header>
      <div className="shell">
        <nav
          id="main-nav"
          className={isMenuOpen ? "sidebar open" : "sidebar"}
          aria-label={t("app.mainNavigation")}
        >
          <Navigation onNavigate={() => setMenuOpen(false)} />
        </nav>
        <main id="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </>
  );
}
