// Cheap tests for whether a text names a day or a clock time (used to score
// intents; the real reading is done by chrono and the phrase parsers).

const DAY_RE =
  /\b(?:today|tomorrow|tonight|yesterday|mon(?:day)?s?|tue(?:s(?:day)?)?s?|wed(?:nesday)?s?|thu(?:rs(?:day)?)?s?|fri(?:day)?s?|sat(?:urday)?s?|sun(?:day)?s?|weekend|week|month|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|the\s+\d{1,2}(?:st|nd|rd|th)|day\s+after|\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2})\b/i;
const CLOCK_RE =
  /\b(?:at|@|from|by|around)\s+\d{1,2}(?::\d{2})?\b|\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}[:.]\d{2}\b|\b(?:noon|midday|midnight|morning|afternoon|evening|tonight|lunchtime)\b|\bin\s+\d+\s*(?:minutes?|mins?|hours?|hrs?|h)\b|\bo'?clock\b/i;

export const mentionsDay = (text: string): boolean => DAY_RE.test(text);
export const mentionsClock = (text: string): boolean => CLOCK_RE.test(text);
export const mentionsTime = (text: string): boolean => DAY_RE.test(text) || CLOCK_RE.test(text);
