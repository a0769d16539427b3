/**
 * A minimal cookie-keeping HTTP client that behaves like one browser profile: it stores cookies per host and
 * never follows redirects by itself, so tests see every hop.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();
  /** Every cookie value ever set, including those cleared since (for secrets checks). */
  private readonly everSet = new Set<string>();

  /** `headers` go with every request, e.g. the X-Forwarded-For a reverse proxy would add for this browser. */
  constructor(private readonly headers: Record<string, string> = {}) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: string; url: string }> {
    const target = new URL(url);
    const jar = this.cookies.get(target.host);
    const cookieHeader = jar ? [...jar].map(([name, value]) => `${name}=${value}`).join('; ') : '';
    const response = await fetch(target, {
      redirect: 'manual',
      headers: { ...this.headers, ...(cookieHeader ? { cookie: cookieHeader } : {}), ...headers },
    });
    this.store(target.host, response.headers.getSetCookie());
    return { status: response.status, headers: response.headers, body: await response.text(), url: target.toString() };
  }

  cookie(host: string, name: string): string | undefined {
    return this.cookies.get(host)?.get(name);
  }

  /** Every cookie value any site ever set in this browser, cleared ones included. */
  cookieValuesEverSet(): string[] {
    return [...this.everSet];
  }

  cookieNames(host: string): string[] {
    return [...(this.cookies.get(host)?.keys() ?? [])];
  }

  private store(host: string, setCookies: string[]) {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /^\s*expires=thu, 01 jan 1970/i.test(attribute));
      const jar = this.cookies.get(host) ?? new Map<string, string>();
      if (expired || value === '') jar.delete(name);
      else {
        jar.set(name, value);
        this.everSet.add(value);
      }
      this.cookies.set(host, jar);
    }
  }
}

export function hrefOf(html: string, linkText: string): string | undefined {
  const pattern = new RegExp(`<a[^>]*href="([^"]+)"[^>]*>\\s*${linkText}\\s*</a>`);
  const match = pattern.exec(html);
  return match?.[1]?.replaceAll('&amp;', '&');
}
