import { describe, expect, it } from "vitest";
import { PauseState } from "./pause";

describe("PauseState", () => {
  it("counts what arrives only while paused", () => {
    const pause = new PauseState();

    expect(pause.arrived(3)).toBe(false);
    pause.hold("user");
    expect(pause.arrived(2)).toBe(true);
    expect(pause.arrived(5)).toBe(true);

    expect(pause.paused).toBe(true);
    expect(pause.newCount).toBe(7);
  });

  it("stays paused until every hold is released, then clears the counter", () => {
    const pause = new PauseState();
    expect(pause.hold("hover")).toBe(true);
    expect(pause.hold("user")).toBe(false);
    pause.arrived(4);

    expect(pause.release("hover")).toBe(false);
    expect(pause.newCount).toBe(4);
    expect(pause.release("user")).toBe(true);

    expect(pause.paused).toBe(false);
    expect(pause.newCount).toBe(0);
  });

  it("releasing a hold it does not have changes nothing", () => {
    const pause = new PauseState();
    pause.hold("user");
    pause.arrived(1);

    expect(pause.release("hover")).toBe(false);
    expect(pause.newCount).toBe(1);
  });

  it("resume lets go of every hold at once", () => {
    const pause = new PauseState();
    pause.hold("user");
    pause.hold("selection");
    pause.hold("hover");
    pause.arrived(9);

    expect(pause.resume()).toBe(true);
    expect(pause.paused).toBe(false);
    expect(pause.newCount).toBe(0);
    expect(pause.isHeldBy("hover")).toBe(false);
    expect(pause.resume()).toBe(false);
  });
});
