import { describe, expect, it } from "vitest";
import { columnForKey, columnsSideBySide } from "./columns";

const key = (value: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean }> = {}) => ({
  key: value,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe("the desk columns", () => {
  it("puts three side by side on a 1600 px wide screen, fewer on narrower ones", () => {
    expect(columnsSideBySide(1600)).toBe(3);
    expect(columnsSideBySide(1200)).toBe(3);
    expect(columnsSideBySide(1100)).toBe(2);
    expect(columnsSideBySide(600)).toBe(1);
  });

  it("reaches each column by 1, 2 and 3", () => {
    expect(columnForKey(key("1"))).toBe("feed");
    expect(columnForKey(key("2"))).toBe("claims");
    expect(columnForKey(key("3"))).toBe("show");
    expect(columnForKey(key("4"))).toBeNull();
  });

  it("leaves alt+digit to the composer's saved replies and ctrl+digit to the browser", () => {
    expect(columnForKey(key("1", { altKey: true }))).toBeNull();
    expect(columnForKey(key("2", { ctrlKey: true }))).toBeNull();
  });
});
