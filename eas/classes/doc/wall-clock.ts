// A local date and time as a calendar shows it (no zone): what time zone rules, recurrence and
// date parsing of every document class convert to and from an instant.

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}
