"""Area outlines for the dashboard's map, drawn from the compounds themselves: the portal holds no
boundary data, and the map must work on an intranet without tiles. An area's outline is the convex
hull of its compounds' coordinates, widened by a margin so a lone compound or a row of them still
has a shape. Coordinates are (longitude, latitude) in degrees."""

import math

# Corners of the shape each point is widened by (an octagon: round enough, eight points each).
_OCTAGON = [(math.cos(math.pi * k / 4), math.sin(math.pi * k / 4)) for k in range(8)]


def convex_hull(points):
    """The convex hull of ``points`` (Andrew's monotone chain): its corners counter-clockwise,
    starting from the lowest-left one, without repeating it; points on an edge are left out. One or
    two distinct points come back as they are."""
    points = sorted(set(points))
    if len(points) <= 2:
        return points

    def half(ordered):
        chain = []
        for point in ordered:
            x, y = point
            # Drop the last corner while it and the point turn clockwise or run straight on (the
            # cross product written out: a province's tens of thousands of points pass here).
            while len(chain) >= 2:
                (ox, oy), (ax, ay) = chain[-2], chain[-1]
                if (ax - ox) * (y - oy) - (ay - oy) * (x - ox) > 0:
                    break
                chain.pop()
            chain.append(point)
        return chain[:-1]

    return half(points) + half(reversed(points))


def padded_hull(points, margin):
    """The hull of ``points`` widened by ``margin`` degrees on every side (the hull of an octagon
    around each corner), so every compound lies inside its area's outline, not on its edge."""
    corners = convex_hull(points)
    widened = [(x + margin * dx, y + margin * dy) for x, y in corners for dx, dy in _OCTAGON]
    return convex_hull(widened)


def centre(points):
    """The mean of ``points`` (where an area's name is written)."""
    return (sum(x for x, _y in points) / len(points), sum(y for _x, y in points) / len(points))


def margin_for(points, share=0.025, least=0.002):
    """A margin in proportion to the whole map's extent (2.5 % of its larger side, at least
    ≈ 200 m), so outlines read alike on a street's map and a province's."""
    if not points:
        return least
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    return max(least, share * max(max(xs) - min(xs), max(ys) - min(ys)))


# Decimal places of the coordinates sent to the browser (about a metre).
PLACES = 5


def rounded(value, places=PLACES):
    return round(float(value), places)


def geojson(areas, margin):
    """A GeoJSON FeatureCollection (what ``echarts.registerMap`` takes) with one polygon per area:
    ``areas`` is [(name, [(lon, lat)])]; areas without a point are left out. ``cp`` is where
    ECharts writes the area's name."""
    features = []
    for name, points in areas:
        if not points:
            continue
        ring = [[rounded(x), rounded(y)] for x, y in padded_hull(points, margin)]
        ring.append(ring[0])
        x, y = centre(points)
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "cp": [rounded(x), rounded(y)]},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
