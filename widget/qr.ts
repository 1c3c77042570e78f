import { create } from 'qrcode/lib/core/qrcode.js';

/** A QR code as one SVG path: crisp at any size, no raster, no inline style. */
export interface QrPath {
  /** Modules per side, quiet zone included. */
  size: number;
  /** The dark modules as an SVG path (1 unit = 1 module). */
  d: string;
}

/** Four modules of quiet zone, as the QR standard asks, so phones find the code. */
const QUIET_ZONE = 4;

/**
 * Encodes `text` with error correction level M (15 %: survives a glare or a
 * crease without making the code denser than it needs to be).
 */
export function qrPath(text: string): QrPath {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const count = modules.size;
  let d = '';
  for (let row = 0; row < count; row++) {
    let start = -1;
    for (let col = 0; col <= count; col++) {
      const dark = col < count && modules.get(row, col);
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        // One rectangle per run of dark modules keeps the path short.
        d += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h${start - col}z`;
        start = -1;
      }
    }
  }
  return { size: count + QUIET_ZONE * 2, d };
}
