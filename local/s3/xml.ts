import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { S3Error } from './errors.js';

/** S3's XML namespace, set on every response document's root. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  processEntities: true,
});

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['Part', 'Object', 'Tag'].includes(name),
  processEntities: true,
});

/** A value of an XML document: nested objects become elements, arrays repeat the element. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [name: string]: XmlValue };

/**
 * Serializes one root element as an S3 response document (declaration + namespace on the root).
 * `undefined` members are left out.
 *
 * @example
 * toXml('VersioningConfiguration', { Status: 'Enabled' });
 */
export function toXml(root: string, body: Record<string, XmlValue>, withNamespace = true): string {
  const content = withNamespace ? { '@_xmlns': S3_XMLNS, ...prune(body) } : prune(body);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + (builder.build({ [root]: content }) as string);
}

function prune(value: Record<string, XmlValue>): Record<string, XmlValue> {
  const out: Record<string, XmlValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map((e) => (isRecord(e) ? prune(e) : e));
    else out[k] = isRecord(v) ? prune(v) : v;
  }
  return out;
}

function isRecord(v: XmlValue): v is Record<string, XmlValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a request body (CompleteMultipartUpload, VersioningConfiguration, ...). `Part` and `Object`
 * are always arrays. Anything that is not well-formed XML is S3's `MalformedXML`.
 */
export function parseXml(text: string): Record<string, unknown> {
  const malformed = new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
  if (!text.trim().startsWith('<')) throw malformed;
  try {
    const result = parser.parse(text, true) as Record<string, unknown>;
    delete result['?xml'];
    return result;
  } catch {
    throw malformed;
  }
}
