// geom.js: label points for polygons. MapLibre labels a polygon once per tile it crosses (GeoJSON
// sources are tiled too), so a grid seen at high zoom would repeat its name; the pages label
// one point per division instead: the pole of inaccessibility of its largest part, the point
// inside it farthest from its edges, where a name has the most room.

// labelPoints turns a FeatureCollection of (Multi)Polygons into one of Points with the same
// properties, one per feature.
export function labelPoints(fc) {
  const features = [];
  for (const f of fc?.features ?? []) {
    const polygon = largestPolygon(f.geometry);
    if (!polygon) continue;
    features.push({type: 'Feature', id: f.id, properties: f.properties,
      geometry: {type: 'Point', coordinates: poleOfInaccessibility(polygon)}});
  }
  return {type: 'FeatureCollection', features};
}

function largestPolygon(g) {
  if (!g) return null;
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type !== 'MultiPolygon') return null;
  let best = null;
  let bestArea = -1;
  for (const p of g.coordinates) {
    const a = Math.abs(ringArea(p[0]));
    if (a > bestArea) { best = p; bestArea = a; }
  }
  return best;
}

function ringArea(ring) {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return s / 2;
}

// poleOfInaccessibility searches the polygon's box with ever smaller square cells, keeping the
// cells that could still hold a point farther from the edges than the best found, until that
// could only improve by less than 1/200 of the box. Longitudes are scaled by cos(latitude) so
// that distances are even in both directions.
export function poleOfInaccessibility(polygon) {
  const outer = polygon[0];
  let minX = Infinity; let minY = Infinity; let maxX = -Infinity; let maxY = -Infinity;
  for (const [x, y] of outer) {
    minX = Math.min(minX, x); minY = Math.min(minY, y);
    maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
  }
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180) || 1;
  const rings = polygon.map((r) => r.map(([x, y]) => [x * k, y]));
  minX *= k; maxX *= k;
  const w = maxX - minX;
  const hgt = maxY - minY;
  const size = Math.min(w, hgt);
  if (!(size > 0)) return outer[0];
  const precision = Math.max(w, hgt) / 200;

  const cell = (x, y, h) => {
    const d = signedDistance(x, y, rings);
    return {x, y, h, d, max: d + h * Math.SQRT2};
  };
  const queue = new MaxHeap((a, b) => a.max - b.max);
  let best = centroidCell(rings, cell);
  const boxCentre = cell(minX + w / 2, minY + hgt / 2, 0);
  if (boxCentre.d > best.d) best = boxCentre;
  const h0 = size / 2;
  for (let x = minX; x < maxX; x += size) {
    for (let y = minY; y < maxY; y += size) queue.push(cell(x + h0, y + h0, h0));
  }
  let guard = 0;
  while (queue.size && guard++ < 20000) {
    const c = queue.pop();
    if (c.d > best.d) best = c;
    if (c.max - best.d <= precision) continue;
    const h = c.h / 2;
    queue.push(cell(c.x - h, c.y - h, h));
    queue.push(cell(c.x + h, c.y - h, h));
    queue.push(cell(c.x - h, c.y + h, h));
    queue.push(cell(c.x + h, c.y + h, h));
  }
  return [round(best.x / k), round(best.y)];
}

function round(v) { return Math.round(v * 1e7) / 1e7; }

function centroidCell(rings, cell) {
  const ring = rings[0];
  let a = 0; let x = 0; let y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[i];
    const [bx, by] = ring[j];
    const f = ax * by - bx * ay;
    x += (ax + bx) * f; y += (ay + by) * f; a += f * 3;
  }
  return a === 0 ? cell(ring[0][0], ring[0][1], 0) : cell(x / a, y / a, 0);
}

// signedDistance from (x, y) to the polygon's edges: positive inside, negative outside.
function signedDistance(x, y, rings) {
  let inside = false;
  let min = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[i];
      const [bx, by] = ring[j];
      if ((ay > y) !== (by > y) && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      min = Math.min(min, segmentDistanceSq(x, y, ax, ay, bx, by));
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(min);
}

function segmentDistanceSq(px, py, ax, ay, bx, by) {
  let dx = bx - ax;
  let dy = by - ay;
  let x = ax;
  let y = ay;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
    if (t > 1) { x = bx; y = by; } else if (t > 0) { x += dx * t; y += dy * t; }
  }
  dx = px - x; dy = py - y;
  return dx * dx + dy * dy;
}

// MaxHeap is a binary heap ordered by cmp, largest first.
class MaxHeap {
  constructor(cmp) { this.items = []; this.cmp = cmp; }
  get size() { return this.items.length; }
  push(v) {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.cmp(a[i], a[p]) <= 0) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.cmp(a[l], a[m]) > 0) m = l;
        if (r < a.length && this.cmp(a[r], a[m]) > 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
