// A browser as far as an OAuth consent needs one: it follows redirects one by one and
// keeps the cookies each host sets (per host and path), sending them back like a browser.
import assert from 'node:assert/strict';

interface StoredCookie {
  value: string;
  path: string;
  attributes: string[];
}

export interface TestBrowser {
  /** Follows `url` until a redirect leaves for `until` (returned) or a page answers without one (an error). */
  navigate(url: string, until: string): Promise<string>;
  /** Every URL this browser requested, in order (as the page saw it, before any test host mapping). */
  readonly history: URL[];
  /** The cookies this browser holds for a host, by name. */
  cookies(host: string): Map<string, StoredCookie>;
}

/** `hosts` maps host names that only exist in the test (like the redirect URI's) to real origins. */
export function testBrowser(hosts: Record<string, string> = {}): TestBrowser {
  const jar = new Map<string, Map<string, StoredCookie>>();
  const forHost = (host: string) => jar.get(host) ?? jar.set(host, new Map()).get(host)!;
  const real = (url: URL) => {
    const origin = hosts[url.host];
    return origin ? new URL(`${url.pathname}${url.search}`, origin) : url;
  };
  const history: URL[] = [];
  return {
    history,
    cookies: forHost,
    async navigate(start, until) {
      let url = new URL(start);
      for (let hop = 0; hop < 10; hop++) {
        const cookies = [...forHost(url.host)].filter(([, c]) => url.pathname.startsWith(c.path)).map(([n, c]) => `${n}=${c.value}`);
        history.push(url);
        const res = await fetch(real(url), { redirect: 'manual', headers: cookies.length ? { cookie: cookies.join('; ') } : {} });
        for (const header of res.headers.getSetCookie()) {
          const [pair, ...attrs] = header.split(';').map((s) => s.trim());
          const eq = pair!.indexOf('=');
          const name = pair!.slice(0, eq);
          const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
          const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()));
          if (expired) forHost(url.host).delete(name);
          else forHost(url.host).set(name, { value: pair!.slice(eq + 1), path, attributes: attrs });
        }
        await res.arrayBuffer();
        const location = res.headers.get('location');
        assert.ok(res.status >= 300 && res.status < 400 && location, `${url.pathname} answered ${res.status} without a redirect`);
        if (location.startsWith(until)) return location;
        url = new URL(location, url);
      }
      throw new Error(`more than 10 redirects from ${start}`);
    },
  };
}
