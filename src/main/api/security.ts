/** The server's security edge: the renderer's CSP, how a request carries its token, which origins and hosts are ours. */

/** The one CSP for the renderer: a header on every response, in browser mode and on the desktop app's app:// scheme. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** The token from `Authorization: Bearer <token>`, the only way an HTTP route takes it. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  return m?.[1];
}

/** The two names this server answers to; anything else is another site (DNS rebinding) or another port. */
export function ownOrigins(port: number): { hosts: string[]; origins: string[] } {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return { hosts, origins: hosts.map((h) => `http://${h}`) };
}
