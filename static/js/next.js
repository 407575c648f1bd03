// next.js: where the sign-in page may send the browser once signed in. It comes from the
// address (?next=), which anyone can write into a link, so it is taken only when it is a path
// of this site under its root, never another site's address: an open redirect would lend a
// phishing page gridmap's sign-in.

// safeNext is the address to go to after signing in: next when it is a path ("/…", not "//…")
// that stays on origin under the site root rootPath and is not the sign-in page itself,
// otherwise the site root. The result is a full URL of origin.
export function safeNext(next, origin, rootPath = '/') {
  const home = new URL(rootPath, origin).href;
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return home;
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return home;
  }
  // The URL parser drops tabs and line breaks, so "/\t/evil.example" would be "//evil.example":
  // the origin is what counts.
  if (url.origin !== new URL(origin).origin || !url.pathname.startsWith(rootPath) || url.pathname === `${rootPath}login.html`) {
    return home;
  }
  return url.href;
}
