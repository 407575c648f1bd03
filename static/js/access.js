// access.js: what the signed-in caller may do where, read from GET /api/v1/me (api.js whoami),
// the same rules as the server's (internal/gridmap/access.go): each action the caller may do
// comes with its scope, "city" or comma-separated division codes (a 9-digit street, a 12-digit
// community, 15-digit grids), and a division lies inside a scope when one of the codes starts
// its code. The pages use it only to offer what the server would allow; the server decides.

// The public: not signed in, reading the city.
export const PUBLIC = Object.freeze({signed_in: false, actions: {read: 'city'}});

// scope is where the caller of me may do action: null (nowhere), 'city', or a list of codes.
export function scope(me, action) {
  const s = me?.actions?.[action];
  if (typeof s !== 'string' || s === '') return null;
  return s === 'city' ? 'city' : s.split(',').filter(Boolean);
}

// can tells whether the caller of me may do action anywhere.
export function can(me, action) { return scope(me, action) !== null; }

// inside tells whether the division with code lies inside the caller's scope for action, as
// the server's Scope.Contains.
export function inside(me, action, code) {
  const s = scope(me, action);
  if (s === 'city') return true;
  return Boolean(s && code && s.some((p) => code.startsWith(p)));
}

// touches tells whether some of the division with code lies inside the caller's scope for
// action: the division inside it, or a part of the scope inside the division (the street of a
// community leader's community). A page offers such a division to choose; what it then shows
// of it is filtered to the scope by the server.
export function touches(me, action, code) {
  const s = scope(me, action);
  if (s === 'city') return true;
  return Boolean(s && code && s.some((p) => code.startsWith(p) || p.startsWith(code)));
}

// choosable lists the divisions of features (GeoJSON features with a code) that a page's chooser
// offers the caller for action: those the scope touches, in the order of their codes.
export function choosable(me, action, features) {
  return features.filter((f) => touches(me, action, f.properties.code))
    .sort((a, b) => a.properties.code.localeCompare(b.properties.code));
}
