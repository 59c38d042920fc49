/** A global id as a URL path segment: "/" and "+" escaped, base64's "=" padding kept readable. */
export function pathId(id: string): string {
  return encodeURIComponent(id).replaceAll("%3D", "=");
}
