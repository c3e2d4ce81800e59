#!/usr/bin/env python3
"""Draws the README picture: ground tracks of the bundled element sets over the bundled
Blue Marble texture, with the bundled ground stations, from `skytwin propagate` output.

usage (from the repository root):
    cargo run -- propagate --elements assets/elements/sample.tle \
        --start 2018-01-20T06:00:00Z --end 2018-01-20T12:00:00Z --step 20s \
        --frame geodetic --out target/ground-tracks.csv
    python3 tools/readme/ground_tracks.py target/ground-tracks.csv docs/img/ground-tracks.jpg
Needs Pillow (pip install pillow).
"""
import csv, sys
from PIL import Image, ImageDraw

W, H = 1600, 800
COLOURS = {'25544': (255, 210, 60), '33591': (90, 220, 255), '15429': (255, 110, 180), '41866': (140, 255, 120)}

def xy(lat, lon):
    return ((lon + 180.0) / 360.0 * W, (90.0 - lat) / 180.0 * H)

def main(src, dst):
    img = Image.open('assets/earth/blue_marble_4096x2048.jpg').convert('RGB').resize((W, H), Image.LANCZOS)
    draw = ImageDraw.Draw(img)
    tracks = {}
    for row in csv.DictReader(open(src)):
        tracks.setdefault(row['object_id'], []).append((float(row['lat_deg']), float(row['lon_deg'])))
    for oid, pts in tracks.items():
        colour = COLOURS.get(oid, (255, 255, 255))
        seg = []
        for lat, lon in pts:
            p = xy(lat, lon)
            if seg and abs(p[0] - seg[-1][0]) > W / 2:  # wrapped at the antimeridian
                draw.line(seg, fill=colour, width=3); seg = []
            seg.append(p)
        xs = [x for x, _ in seg]; ys = [y for _, y in seg]
        if max(xs) - min(xs) < 12 and max(ys) - min(ys) < 12:  # geostationary: a dot
            x, y = seg[-1]; draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=colour, outline=(0, 0, 0))
        elif len(seg) > 1:
            draw.line(seg, fill=colour, width=3)
    for st in csv.DictReader(open('assets/stations.csv')):
        x, y = xy(float(st['lat_deg']), float(st['lon_deg']))
        draw.rectangle((x - 5, y - 5, x + 5, y + 5), outline=(255, 255, 255), width=2)
        draw.text((x + 8, y - 6), st['name'], fill=(255, 255, 255))
    draw.rectangle((6, H - 112, 150, H - 8), fill=(0, 0, 0))
    for k, (oid, name) in enumerate([('25544', 'ISS'), ('33591', 'NOAA 19'), ('15429', 'MOLNIYA 1-63'), ('41866', 'GOES 16')]):
        y = H - 26 - 20 * (3 - k)
        draw.rectangle((14, y + 4, 34, y + 10), fill=COLOURS[oid])
        draw.text((42, y), name, fill=(255, 255, 255))
    img.save(dst, quality=85, optimize=True)

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
