// Clock formats for a control room: 24-hour, seconds shown, digits that do not jump.

const clock = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export const formatClock = (date: Date): string => clock.format(date);
export const formatDateTime = (date: Date): string => dateTime.format(date);
