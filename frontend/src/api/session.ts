// Where the browser goes when the API says the session is gone or no tenant is chosen: Django's
// login and tenant chooser, with the current address as `next` so the deep link survives.
import { ApiError } from "./client";

export function currentPath(): string {
  return window.location.pathname + window.location.search + window.location.hash;
}

export function loginUrl(next: string = currentPath()): string {
  return `/login/?next=${encodeURIComponent(next)}`;
}

export function tenantChooserUrl(next: string = currentPath()): string {
  return `/tenant/?next=${encodeURIComponent(next)}`;
}

/** Leave the app for login/tenant choice when an error says so; true if it navigated away. */
export function redirectForSession(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.hasCode("UNAUTHENTICATED")) {
    window.location.assign(loginUrl());
    return true;
  }
  if (
    error.errors.some((e) => e.code === "PERMISSION_DENIED" && /choose a tenant/i.test(e.message))
  ) {
    window.location.assign(tenantChooserUrl());
    return true;
  }
  return false;
}
