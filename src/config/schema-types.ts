// Building blocks shared by the config schemas: ids, durations, URLs. `errorMessage` replaces TypeBox's generic
// message so a config error reads like advice ("{value}" is replaced by the offending value).
import { Type, type StringOptions } from '@sinclair/typebox';
import { BYTE_SIZE_HINT, formatByteSize, parseByteSize } from './byte-size.js';
import { DURATION_HINT, formatDuration, parseDuration } from './duration.js';
import './formats.js';

export const Id = (options: StringOptions = {}) =>
  Type.String({
    pattern: '^[a-z0-9][a-z0-9-]*$',
    maxLength: 64,
    errorMessage: '{value} is not an id (use lower-case letters, digits and dashes)',
    ...options,
  });

/** A duration such as "5m", decoded to milliseconds. */
export const Duration = (options: StringOptions = {}) =>
  Type.Transform(
    Type.String({ format: 'duration', errorMessage: `{value} is not a duration (${DURATION_HINT})`, ...options }),
  )
    .Decode(parseDuration)
    .Encode(formatDuration);

/** A duration that may be zero (`0` or `0s`: off), decoded to milliseconds. */
export const DurationOrOff = (options: StringOptions = {}) =>
  Type.Transform(
    Type.String({
      pattern: '^(?:0|(?:\\d+(?:ms|s|m|h|d))+)$',
      errorMessage: '{value} is not a duration (use 0 for none, 30m, 12h)',
      ...options,
    }),
  )
    .Decode((text) => (text === '0' ? 0 : parseDuration(text)))
    .Encode(formatDuration);

/** A size such as "512KiB" or "20MiB", decoded to bytes. */
export const ByteSize = (options: StringOptions = {}) =>
  Type.Transform(Type.String({ format: 'byte-size', errorMessage: `{value} is not a size (${BYTE_SIZE_HINT})`, ...options }))
    .Decode((text) => parseByteSize(text) ?? Number.NaN)
    .Encode(formatByteSize);

export const HttpUrl = (options: StringOptions = {}) =>
  Type.String({ format: 'http-url', errorMessage: '{value} is not an http(s) URL', ...options });

export const NonEmptyString = (options: StringOptions = {}) =>
  Type.String({ minLength: 1, errorMessage: 'must not be empty', ...options });
