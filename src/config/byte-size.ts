// Sizes in config files are written as 512KiB or 20MiB (binary units, as the README states limits: "5 MiB").
const UNIT_BYTES = { KiB: 1024, MiB: 1024 * 1024 } as const;
const BYTE_SIZE_PATTERN = /^([1-9]\d{0,8})(KiB|MiB)$/;

export const BYTE_SIZE_HINT = 'use 512KiB, 20MiB';

/** Bytes in a size such as "512KiB" or "20MiB"; null for anything else. */
export function parseByteSize(text: string): number | null {
  const match = BYTE_SIZE_PATTERN.exec(text);
  if (match === null) return null;
  return Number(match[1]) * UNIT_BYTES[match[2] as keyof typeof UNIT_BYTES];
}

/** The config spelling of a size: 5242880 → "5MiB", 1536 → "1536KiB" (a size in whole KiB). */
export function formatByteSize(bytes: number): string {
  return bytes % UNIT_BYTES.MiB === 0 ? `${bytes / UNIT_BYTES.MiB}MiB` : `${bytes / UNIT_BYTES.KiB}KiB`;
}
