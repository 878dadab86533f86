// Writes the project's own synthetic TCX and GPX fixtures (fixtures/tcx/*.tcx, fixtures/gpx/synthetic-*.gpx).
// Every value is generated here (licence: same as runjson, MIT). Run: node scripts/make-xml-fixtures.mjs
import { writeFileSync } from 'node:fs';

const T0 = Date.UTC(2021, 4, 2, 7, 30, 0); // 2021-05-02T07:30:00Z, near Grenoble (Europe/Paris, UTC+2 in May)
const iso = (ms) => new Date(ms).toISOString();
const isoS = (ms) => iso(ms).replace('.000Z', 'Z');

/** Points every `step` s from `t0` for `count` samples at `speed` m/s heading north from `lat0`. */
function points(t0, count, { step = 1, speed = 3, lat0 = 45.19, lon0 = 5.72, d0 = 0, hr = 140, cad = 84 } = {}) {
  const out = [];
  for (let k = 0; k < count; k++) {
    const d = d0 + k * step * speed;
    out.push({
      t: t0 + k * step * 1000,
      lat: +(lat0 + (d / 111320)).toFixed(7),
      lon: lon0,
      ele: +(210 + 5 * Math.sin(k / 10)).toFixed(1),
      dist: +d.toFixed(2),
      hr: hr + (k % 7),
      cad: cad + (k % 3),
    });
  }
  return out;
}
const last = (a) => a[a.length - 1];

function tcxPoint(p, { cadence = 'tpx', prefix = 'ns3', hr = true } = {}) {
  const ext =
    cadence === 'tpx'
      ? `<Extensions><${prefix}:TPX><${prefix}:Speed>3.0</${prefix}:Speed><${prefix}:RunCadence>${p.cad}</${prefix}:RunCadence></${prefix}:TPX></Extensions>`
      : '';
  return `<Trackpoint><Time>${iso(p.t)}</Time><Position><LatitudeDegrees>${p.lat}</LatitudeDegrees><LongitudeDegrees>${p.lon}</LongitudeDegrees></Position><AltitudeMeters>${p.ele}</AltitudeMeters><DistanceMeters>${p.dist}</DistanceMeters>${hr ? `<HeartRateBpm><Value>${p.hr}</Value></HeartRateBpm>` : ''}${cadence === 'plain' ? `<Cadence>${p.cad}</Cadence>` : ''}${ext}</Trackpoint>`;
}
function tcxLap(start, total, metres, tracks, { intensity = 'Active', trigger = 'Manual', opts } = {}) {
  const body = tracks.map((ps) => `\n        <Track>\n          ${ps.map((p) => tcxPoint(p, opts)).join('\n          ')}\n        </Track>`).join('');
  return `\n      <Lap StartTime="${iso(start)}">\n        <TotalTimeSeconds>${total}</TotalTimeSeconds>\n        <DistanceMeters>${metres}</DistanceMeters>\n        <Calories>10</Calories>\n        <Intensity>${intensity}</Intensity>\n        <TriggerMethod>${trigger}</TriggerMethod>${body}\n      </Lap>`;
}
const TCX_HEAD = (ns = ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"${ns}>\n  <Activities>`;
const creator = (name, major, minor) =>
  `\n      <Creator xsi:type="Device_t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Name>${name}</Name><UnitId>3800000001</UnitId><ProductID>1</ProductID><Version><VersionMajor>${major}</VersionMajor><VersionMinor>${minor}</VersionMinor><BuildMajor>0</BuildMajor><BuildMinor>0</BuildMinor></Version></Creator>`;
const TCX_TAIL = `\n  </Activities>\n  <Author xsi:type="Application_t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Name>runjson fixtures</Name><Build><Version><VersionMajor>9</VersionMajor><VersionMinor>9</VersionMinor></Version></Build><LangID>EN</LangID><PartNumber>000-00000-00</PartNumber></Author>\n</TrainingCenterDatabase>\n`;

// 1. Garmin Training Center style: a pause = a new Track inside the lap; lap 1 by distance; lap 2 Resting.
{
  const a = points(T0, 60);
  const b = points(T0 + 95_000, 50, { d0: last(a).dist + 3 });
  const c = points(last(b).t + 1000, 30, { d0: last(b).dist + 1.5, speed: 1.5, hr: 120 });
  const lap1 = tcxLap(T0, 108, 327, [a, b], { trigger: 'Distance', opts: { cadence: 'plain' } });
  const lap2 = tcxLap(c[0].t, 30, 45, [c], { intensity: 'Resting', opts: { cadence: 'plain' } });
  writeFileSync(
    'fixtures/tcx/training-center-segments.tcx',
    `${TCX_HEAD('')}\n    <Activity Sport="Running">\n      <Id>${iso(T0)}</Id>${lap1}${lap2}\n      <Notes>Easy run &amp; strides</Notes>${creator('Forerunner 405', 2, 50)}\n    </Activity>${TCX_TAIL}`,
  );
}

// 2. Garmin Connect style: one Track per lap, no pause markers; a 60 s stop inside lap 2 that the lap's
//    own TotalTimeSeconds excludes (the gap rule finds it), and a 40 s stop in lap 1 it includes (kept).
{
  const a1 = points(T0, 100, { step: 2 }); // 0…198 s
  const a2 = points(T0 + 238_000, 30, { d0: last(a1).dist + 1 }); // stood still 40 s (timer running)
  const b1 = points(last(a2).t + 1000, 60, { d0: last(a2).dist + 3 });
  const b2 = points(last(b1).t + 61_000, 60, { d0: last(b1).dist + 2 }); // 60 s paused
  const lap1 = tcxLap(T0, 267, +(last(a2).dist).toFixed(2), [[...a1, ...a2]]);
  const lap2 = tcxLap(b1[0].t, 120, +(last(b2).dist - last(a2).dist).toFixed(2), [[...b1, ...b2]]);
  writeFileSync(
    'fixtures/tcx/connect-one-track-per-lap.tcx',
    `${TCX_HEAD()}\n    <Activity Sport="Running">\n      <Id>${iso(T0)}</Id>${lap1}${lap2}${creator('Forerunner 945', 4, 60)}\n    </Activity>${TCX_TAIL}`,
  );
}

// 3. Undeclared prefixes (xmlns:false reading), two-legged RunCadence (auto-halved), an empty HR value,
//    a trackpoint with no time, a repeated timestamp and one going back in time.
{
  const ps = points(T0, 40, { cad: 168 });
  const pts = ps.map((p) => tcxPoint(p, { prefix: 'x' }));
  pts[5] = pts[5].replace(/<Value>\d+<\/Value>/, '<Value></Value>');
  pts.splice(10, 0, '<Trackpoint><Position><LatitudeDegrees>45.2</LatitudeDegrees><LongitudeDegrees>5.72</LongitudeDegrees></Position></Trackpoint>');
  pts.splice(20, 0, tcxPoint(ps[18], { prefix: 'x' })); // same time as the point before
  pts.splice(30, 0, tcxPoint({ ...ps[20] }, { prefix: 'x' })); // back in time
  const lap = `\n      <Lap StartTime="${isoS(T0)}">\n        <TotalTimeSeconds>39</TotalTimeSeconds>\n        <DistanceMeters>117</DistanceMeters>\n        <Intensity>Active</Intensity>\n        <TriggerMethod>Manual</TriggerMethod>\n        <Track>\n          ${pts.join('\n          ')}\n        </Track>\n      </Lap>`;
  writeFileSync(
    'fixtures/tcx/undeclared-prefix-two-leg-cadence.tcx',
    `${TCX_HEAD('')}\n    <Activity Sport="Running">\n      <Id>${isoS(T0)}</Id>${lap}\n    </Activity>${TCX_TAIL}`,
  );
}

// 4. A course (no activity): refused.
writeFileSync(
  'fixtures/tcx/course.tcx',
  `<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n  <Courses>\n    <Course>\n      <Name>Loop</Name>\n      <Track>\n        ${points(T0, 5).map((p) => tcxPoint(p, { cadence: 'none' })).join('\n        ')}\n      </Track>\n    </Course>\n  </Courses>\n</TrainingCenterDatabase>\n`,
);

// 5. Two activities in one file: a run and a ride.
{
  const run = tcxLap(T0, 29, 87, [points(T0, 30)]);
  const ride = tcxLap(T0 + 3_600_000, 29, 232, [points(T0 + 3_600_000, 30, { speed: 8, cad: 90 })]);
  writeFileSync(
    'fixtures/tcx/multi-activity.tcx',
    `${TCX_HEAD()}\n    <Activity Sport="Running">\n      <Id>${iso(T0)}</Id>${run}${creator('Edge 530', 9, 10)}\n    </Activity>\n    <Activity Sport="Biking">\n      <Id>${iso(T0 + 3_600_000)}</Id>${ride}${creator('Edge 530', 9, 10)}\n    </Activity>${TCX_TAIL}`,
  );
}

// 6. Polar quirk: whitespace before the XML declaration; Cadence in the Trackpoint (one leg already).
{
  const lap = tcxLap(T0, 19, 57, [points(T0, 20)], { opts: { cadence: 'plain' } });
  writeFileSync(
    'fixtures/tcx/leading-whitespace.tcx',
    `          ${TCX_HEAD('').replace('\n', '')}\n    <Activity Sport="Running">\n      <Id>${iso(T0)}</Id>${lap}${creator('Polar V800', 1, 7)}\n    </Activity>${TCX_TAIL}`,
  );
}

// 7. UTF-16 LE with a byte-order mark, and a non-ASCII note.
{
  const lap = tcxLap(T0, 9, 27, [points(T0, 10)]);
  const text = `${TCX_HEAD().replace('UTF-8', 'UTF-16')}\n    <Activity Sport="Running">\n      <Id>${iso(T0)}</Id>${lap}\n      <Notes>Côte de l’Église — 10 × 30″</Notes>${creator('fēnix 6', 20, 0)}\n    </Activity>${TCX_TAIL}`;
  const body = Buffer.from(text, 'utf16le');
  writeFileSync('fixtures/tcx/utf16-bom.tcx', Buffer.concat([Buffer.from([0xff, 0xfe]), body]));
}

// 8. Malformed: a close tag that does not match (line 5).
writeFileSync(
  'fixtures/tcx/malformed.tcx',
  `<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n  <Activities>\n    <Activity Sport="Running">\n      <Id>${iso(T0)}</Lap>\n    </Activity>\n  </Activities>\n</TrainingCenterDatabase>\n`,
);

// GPX 9. Strava-like single segment with a stop (gap rule), numeric type 9, iPhone creator, power and temp.
{
  const a = points(T0, 120);
  const b = points(last(a).t + 90_000, 120, { d0: last(a).dist + 5 });
  const pt = (p) =>
    `   <trkpt lat="${p.lat}" lon="${p.lon}">\n    <ele>${p.ele}</ele>\n    <time>${isoS(p.t)}</time>\n    <extensions>\n     <power>${200 + (p.hr % 5)}</power>\n     <gpxtpx:TrackPointExtension>\n      <gpxtpx:atemp>18</gpxtpx:atemp>\n      <gpxtpx:hr>${p.hr}</gpxtpx:hr>\n      <gpxtpx:cad>${p.cad}</gpxtpx:cad>\n     </gpxtpx:TrackPointExtension>\n    </extensions>\n   </trkpt>`;
  writeFileSync(
    'fixtures/gpx/synthetic-strava-stop.gpx',
    `<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="StravaGPX iPhone" version="1.1" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n <metadata>\n  <time>${isoS(T0)}</time>\n </metadata>\n <wpt lat="45.19" lon="5.72"><name>Start</name><time>${isoS(T0)}</time></wpt>\n <trk>\n  <name>Morning Run</name>\n  <type>9</type>\n  <trkseg>\n${[...a, ...b].map(pt).join('\n')}\n  </trkseg>\n </trk>\n</gpx>\n`,
  );
}

// GPX 10. GPX 1.0, two tracks (a pause between them), Cluetrust gpxdata with an undeclared prefix, a ride type word.
{
  const a = points(T0, 30);
  const b = points(last(a).t + 120_000, 30, { d0: last(a).dist + 10 });
  const pt = (p) => `<trkpt lat="${p.lat}" lon="${p.lon}"><ele>${p.ele}</ele><time>${isoS(p.t)}</time><speed>3</speed><extensions><gpxdata:hr>${p.hr}</gpxdata:hr><gpxdata:cadence>${p.cad}</gpxdata:cadence><gpxdata:temp>17.5</gpxdata:temp><gpxdata:distance>${p.dist}</gpxdata:distance></extensions></trkpt>`;
  const trk = (ps, n) => ` <trk>\n  <name>part ${n}</name>\n  <type>running</type>\n  <trkseg>\n   ${ps.map(pt).join('\n   ')}\n  </trkseg>\n </trk>`;
  writeFileSync(
    'fixtures/gpx/synthetic-gpx10-two-tracks.gpx',
    `<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.0" creator="Suunto app" xmlns="http://www.topografix.com/GPX/1/0">\n <time>${isoS(T0)}</time>\n${trk(a, 1)}\n${trk(b, 2)}\n</gpx>\n`,
  );
}

// GPX 11. A ride (type word): refused by default as not running.
writeFileSync(
  'fixtures/gpx/synthetic-ride.gpx',
  `<?xml version="1.0" encoding="UTF-8"?>\n<gpx creator="Garmin Connect" version="1.1" xmlns="http://www.topografix.com/GPX/1/1">\n <trk>\n  <type>cycling</type>\n  <trkseg>\n${points(T0, 10, { speed: 8 }).map((p) => `   <trkpt lat="${p.lat}" lon="${p.lon}"><time>${isoS(p.t)}</time></trkpt>`).join('\n')}\n  </trkseg>\n </trk>\n</gpx>\n`,
);
console.log('fixtures written');
