// node --import ./epcis_hash_register.mjs epcis_hash.mjs PKG DOC
//
// The CBV 2.0 event hash of every event of an EPCIS document as GS1
// Europe's epcis2.js computes it (PKG: the unpacked npm package, see
// scripts/test-data). One JSON line per event, in the document's order:
//   {"id": ...,        eventToHashedId of the published bundle (dist/)
//    "prehash": ...,   eventToPreHashedString of its sources (src/)
//    "std": ...}       the ni URI of that pre-hash string, with the one
//                      documented deviation put back (below)
// or {"error": ...} where epcis2.js throws. Exit status 1 when the bundle
// and the sources disagree with each other, 2 on usage errors.
//
// The deviations put back, each exactly, every other byte being epcis2.js's
// (docs/epcis.md, "Cross-checked"):
//  1. sourceList and destinationList: epcis2.js writes sourceList first;
//     the standard's published worked example 3 (CBV 2.0 §8.9) hashes
//     destinationList first, and so does paxta. The two segments, found
//     as the pre-hash strings of the lists alone, are swapped.
//  2. certificationInfo: epcis2.js reads it as a time (a URI comes out as
//     "2001-01-01T00:00:00.000Z"); CBV 2.0 §8.9 writes a value as it is
//     (trimmed). Its segment is written back as certificationInfo=VALUE.
//  3. a user extension (or ILMD field) holding a list of exactly one
//     object: epcis2.js appends the position "0" to the field's name,
//     which it does not for two or more; CBV 2.0 §8.9 has no positions
//     (a list is its members, sorted). "{ns}name0{" is written back as
//     "{ns}name{" for the names of such fields.
//  4. an empty list of the standard (an attest's "epcList": []): epcis2.js
//     throws; CBV 2.0 §8.9 leaves an empty element out of the pre-hash
//     string, so epcis2.js is given the event without it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, doc] = process.argv.slice(2);
if (!pkg || !doc) {
  process.stderr.write('usage: node epcis_hash.mjs PKG DOC\n');
  process.exit(2);
}
const { eventToHashedId } = createRequire(import.meta.url)(path.resolve(pkg, 'dist/epcis2.node.js'));
const { eventToPreHashedString } = await import(
  pathToFileURL(path.resolve(pkg, 'src/hash_generator/EPCISEventToPreHashedString.js')).href
);

const ni = (s) => `ni:///sha-256;${createHash('sha256').update(s, 'utf8').digest('hex')}?ver=CBV2.0`;
const input = JSON.parse(fs.readFileSync(doc, 'utf8'));
// epcis2.js takes the namespaces as one object, prefix -> IRI.
const context = {};
for (const c of [].concat(input['@context'] || [])) {
  if (c && typeof c === 'object') Object.assign(context, c);
}
// segment(ev, list): what list adds to the pre-hash string.
const segment = (ev, list) => {
  const bare = { type: ev.type, eventTime: ev.eventTime };
  const base = eventToPreHashedString(bare, context);
  const withList = eventToPreHashedString({ ...bare, [list]: ev[list] }, context);
  return withList.slice(base.length);
};
// singletons(o): the expanded names ("{ns}local") of the fields, at any
// depth of the event's extensions and ILMD, that hold one object in a list.
const singletons = (o, out = new Set()) => {
  if (Array.isArray(o)) {
    for (const x of o) singletons(x, out);
  } else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const i = k.indexOf(':');
      if (i > 0 && context[k.slice(0, i)] && Array.isArray(v) && v.length === 1 && v[0] && typeof v[0] === 'object') {
        out.add(`{${context[k.slice(0, i)]}}${k.slice(i + 1)}`);
      }
      singletons(v, out);
    }
  }
  return out;
};
let bad = 0;
for (const given of input.epcisBody.eventList) {
  const ev = Object.fromEntries(
    Object.entries(given).filter(([k, v]) => k.includes(':') || !(Array.isArray(v) && v.length === 0)),
  );
  let out;
  try {
    const prehash = eventToPreHashedString(ev, context);
    const id = eventToHashedId(ev, context);
    let std = prehash;
    if (ev.sourceList && ev.destinationList) {
      const src = segment(ev, 'sourceList');
      const dst = segment(ev, 'destinationList');
      if (!std.includes(src + dst)) throw new Error('sourceList, destinationList not adjacent');
      std = std.replace(src + dst, dst + src);
    }
    if (typeof ev.certificationInfo === 'string') {
      std = std.replace(segment(ev, 'certificationInfo'), `certificationInfo=${ev.certificationInfo.trim()}`);
    }
    for (const name of singletons(ev)) std = std.split(`${name}0{`).join(`${name}{`);
    if (ni(prehash) !== id) {
      process.stderr.write(`epcis2.js: dist ${id} but src ${ni(prehash)}\n`);
      bad = 1;
    }
    out = { id, prehash, std: ni(std) };
  } catch (e) {
    out = { error: e.message };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
process.exit(bad);
