/**
 * Test instrument, preloaded into the commercetools emulator's process by the soak (NODE_OPTIONS=--require):
 * the emulator's clock follows the soak's virtual clock, so the timestamps it stamps (createdAt,
 * lastModifiedAt) agree with the apps' clock the way real clocks do. The offset (ms) is read from the file
 * named by SOAK_CLOCK_FILE before every request the emulator handles, so a request sent after the soak moved
 * its clock sees the new time. Nothing here runs outside the soak.
 */
const fs = require('node:fs');
const http = require('node:http');

const file = process.env.SOAK_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  let offset = 0;
  const read = () => {
    try {
      offset = Number(fs.readFileSync(file, 'utf8')) || 0;
    } catch {
      // keep the last offset
    }
  };
  read();
  class SoakDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = SoakDate;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...args) {
    if (event === 'request') read();
    return emit.call(this, event, ...args);
  };
}
