// The qrcode package's encoder alone (its renderers, canvas and terminal code
// stay out of the bundle): the same `create` as the package's main entry.
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
