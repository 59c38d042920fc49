import { useTranslation } from "react-i18next";

import { ApiError } from "../api/client";

/** A mutation's error: each field's reason, else the message. */
export function FormError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const lines =
    error instanceof ApiError
      ? error.errors.map((e) =>
          e.field
            ? t("errors.field", { field: e.field, reason: e.reason ?? e.message })
            : e.message,
        )
      : [String(error)];
  return (
    <div className="state-error" role="alert" data-testid="form-error">
      {lines.map((line, index) => (
        <p key={index}>{line}</p>
      ))}
    </div>
  );
}
