// String formats used by our TypeBox schemas (config, job payloads); registered once, on first import.
import { FormatRegistry } from '@sinclair/typebox';
import { parseByteSize } from './byte-size.js';
import { isDuration } from './duration.js';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

FormatRegistry.Set('duration', isDuration);
FormatRegistry.Set('http-url', isHttpUrl);
FormatRegistry.Set('byte-size', (text) => parseByteSize(text) !== null);
FormatRegistry.Set('date-time', (text) => ISO_TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text)));
