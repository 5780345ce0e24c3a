// chrono-node configured with the house rules. Callers hand it the user's wall
// clock as a floating reference (see zoned-time.ts), so days count as the user counts them.
import * as chrono from 'chrono-node';
import { ORDINAL_SOURCE, parseOrdinal } from '../nl/numbers.ts';

/** A rule: "the 14th" alone is the next 14th (this month if it is still ahead, else next month). */
const ordinalDayParser: chrono.Parser = {
  pattern: () => new RegExp(`\\b(?:on\\s+)?the\\s+(${ORDINAL_SOURCE})(?!\\s+(?:of\\b|one\\b|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|week|time|day|hour|minute))`, 'i'),
  extract: (context, match) => {
    const day = parseOrdinal(match[1]!);
    if (!day || day < 1 || day > 31) return null;
    const ref = context.reference.instant;
    let year = ref.getUTCFullYear();
    let month = ref.getUTCMonth() + 1;
    if (day < ref.getUTCDate()) month += 1;
    // A month without that day (the 31st in November) skips to the next that has it.
    for (let i = 0; i < 3; i++) {
      if (month > 12) {
        month -= 12;
        year += 1;
      }
      if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day) break;
      month += 1;
    }
    return context.createParsingComponents({ year, month, day }).addTag('house/ordinalDay');
  },
};

/** A rule: a bare clock hour from 1 to 6 without am/pm ("at 3") is in the afternoon. */
const afternoonRefiner: chrono.Refiner = {
  refine: (_context, results) => {
    for (const r of results) {
      const hour = r.start.get('hour');
      if (r.start.isCertain('hour') && !r.start.isCertain('meridiem') && hour !== null && hour >= 1 && hour <= 6 && !/\d{2}:/.test(r.text) && !/noon|midnight/i.test(r.text)) {
        r.start.assign('hour', hour + 12);
        r.start.assign('meridiem', 1);
      }
    }
    return results;
  },
};

function build(): chrono.Chrono {
  const c = chrono.casual.clone();
  c.parsers.push(ordinalDayParser);
  c.refiners.push(afternoonRefiner);
  return c;
}

export const houseChrono = build();
