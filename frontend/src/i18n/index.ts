import i18next from "i18next";
import { initReactI18next } from "react-i18next";

import { da } from "./da";
import { en } from "./en";

export const LANGUAGES = ["da", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_COOKIE = "ainergy_language";

/** BCP 47 locale used by Intl for each portal language. */
export const LOCALES: Record<Language, string> = { da: "da-DK", en: "en-GB" };

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The language Django rendered the page in (cookie, else Accept-Language). */
export function initialLanguage(): Language {
  const lang = document.documentElement.lang;
  return isLanguage(lang) ? lang : "en";
}

export function rememberLanguage(language: Language): void {
  document.cookie = `${LANGUAGE_COOKIE}=${language}; path=/; max-age=31536000; samesite=lax`;
  document.documentElement.lang = language;
}

export function setupI18n(language: Language = initialLanguage()) {
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, da: { translation: da } },
    lng: language,
    fallbackLng: "en",
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return i18next;
}
